// containerd 1.7 from Debian trixie, run beside the packaged 1.6.20 without installing
// anything on the host (containerd-1.7.md): `apt-get download` with apt's lists, cache,
// sources and dpkg status all private, then `dpkg-deb -x`; the binaries are kept outside the
// repository. trixie's runc needs a newer glibc than bookworm's, so the daemon runs
// bookworm's runc (`BinaryName` in the runc options).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { debianArchive } from "./debian-archive.ts";
import { run } from "./exec.ts";

/** The real daemons: Debian bookworm's packaged 1.6.20 (and its patched builds), Debian trixie's 1.7. */
export const releases = ["1.6", "1.7"] as const;
export type Release = (typeof releases)[number];

/**
 * A daemon's name in reports and in known-differences.ts: the model variant, with "@1.7" on
 * containerd 1.7. Its recordings go to recorded/<variant>/ on 1.6 and to
 * recorded/<variant>/containerd-1.7/ on 1.7 (`recordedDir`), beside the 1.6 ones.
 */
export function daemonLabel(release: Release, variant: string): string {
  return release === "1.6" ? variant : `${variant}@${release}`;
}

/** The path under a recordings dir where `variant`'s observations on `release` are kept. */
export function recordedDir(release: Release, variant: string): string {
  return release === "1.6" ? variant : `${variant}/containerd-${release}`;
}

/** The cache: `bin/` (containerd, its shims, ctr) and `ready` holding the package version. */
export const cacheDir = "/var/cache/restart-sim/containerd-1.7";
const suite = "trixie";
const aptMs = 5 * 60_000;

export interface Containerd17 {
  /** containerd, containerd-shim-runc-v2 and ctr of the same release. */
  binDir: string;
  containerd: string;
  ctr: string;
  /** Debian's package version, which the daemon logs as its revision ("starting containerd ... revision=..."). */
  revision: string;
  /** Milliseconds the fetch took; null when the cache had it. */
  fetchMs: number | null;
}

/** Binaries the daemon needs from the package; containerd finds the shim on PATH first. */
const binaries = ["containerd", "containerd-shim-runc-v2", "ctr"];

/** The binaries from the cache, fetched first if this machine has not done it yet. */
export async function fetchContainerd17(say: (line: string) => void): Promise<Containerd17> {
  const binDir = join(cacheDir, "bin");
  const ready = join(cacheDir, "ready");
  const found = (fetchMs: number | null): Containerd17 => ({
    binDir,
    containerd: join(binDir, "containerd"),
    ctr: join(binDir, "ctr"),
    revision: readFileSync(ready, "utf8").trim(),
    fetchMs,
  });
  if (existsSync(ready) && binaries.every((b) => existsSync(join(binDir, b)))) return found(null);

  const t0 = Date.now();
  const work = join(cacheDir, "fetch");
  rmSync(work, { recursive: true, force: true });
  const dirs = { etc: join(work, "etc"), parts: join(work, "etc", "parts"), lists: join(work, "lists"), cache: join(work, "cache") };
  for (const d of [dirs.parts, join(dirs.lists, "partial"), join(dirs.cache, "archives", "partial")]) mkdirSync(d, { recursive: true });
  const archive = debianArchive();
  const signedBy = archive.signedBy ? ` [signed-by=${archive.signedBy}]` : "";
  const sourceList = join(dirs.etc, "sources.list");
  writeFileSync(sourceList, `deb${signedBy} ${archive.uri} ${suite} main\n`);
  // Only our one line, our lists and cache, and an empty dpkg status: nothing of the host's
  // apt state is read as a source or written (apt.conf.d still applies: proxies, checks).
  const apt = [
    "-q",
    "-o", `Dir::Etc::SourceList=${sourceList}`,
    "-o", `Dir::Etc::SourceParts=${dirs.parts}`,
    "-o", `Dir::Etc::PreferencesParts=${dirs.parts}`,
    "-o", `Dir::Etc::Preferences=${join(dirs.etc, "preferences")}`,
    "-o", `Dir::State::Lists=${dirs.lists}`,
    "-o", `Dir::Cache=${dirs.cache}`,
    "-o", "Dir::State::status=/dev/null",
    // The private dirs are root's: apt's _apt user could not write them.
    "-o", "APT::Sandbox::User=root",
  ];
  say(`containerd 1.7: apt-get update of Debian ${suite} (${archive.uri}) into ${work}`);
  await run("apt-get", [...apt, "update"], aptMs);
  say("containerd 1.7: apt-get download containerd");
  await run("sh", ["-c", `cd "$1" && shift && exec apt-get "$@" download containerd`, "sh", work, ...apt], aptMs);
  const deb = readdirSync(work).find((f) => /^containerd_.*\.deb$/.test(f));
  if (!deb) throw new Error(`apt-get download left no containerd_*.deb in ${work}`);
  const version = (await run("dpkg-deb", ["--field", join(work, deb), "Version"])).trim();
  if (!version.startsWith("1.7.")) throw new Error(`Debian ${suite} offers containerd ${version}, not 1.7`);
  const tree = join(work, "tree");
  await run("dpkg-deb", ["-x", join(work, deb), tree], aptMs);
  rmSync(binDir, { recursive: true, force: true });
  mkdirSync(binDir, { recursive: true });
  for (const b of binaries) renameSync(join(tree, "usr", "bin", b), join(binDir, b));
  rmSync(work, { recursive: true, force: true });
  writeFileSync(ready, `${version}\n`);
  const got = found(Date.now() - t0);
  say(`containerd 1.7: ${version} in ${binDir} (${(got.fetchMs! / 1000).toFixed(1)} s)`);
  return got;
}
