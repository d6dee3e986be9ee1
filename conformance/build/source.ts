// Debian's containerd 1.6.20 source tree, with Debian's own patches applied, from the archive
// apt already uses (building-containerd.md): a deb-src entry for it, the build tools and
// build-deps, `apt-get source --download-only` and `dpkg-source -x`. Done once per machine;
// the tree is kept under the cache dir, outside the repository.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { debianArchive } from "../debian-archive.ts";
import { exec, run } from "../exec.ts";

/** Everything the builds keep: the source, one dir per build, the shared Go build cache. */
export const cacheDir = "/var/cache/restart-sim/containerd";
const sourceDir = join(cacheDir, "src");
/** dpkg-source -x writes the patched tree here. */
export const sourceTree = join(sourceDir, "tree");
const debSrcFile = "/etc/apt/sources.list.d/restart-sim-deb-src.sources";
const packages = ["dpkg-dev", "golang-go", "golang-github-containerd-containerd-dev", "xz-utils", "patch"];
/** apt waits for another apt (a parallel install) instead of failing on the dpkg lock. */
const aptLock = ["-o", "DPkg::Lock::Timeout=900"];
const aptMs = 20 * 60_000;

export interface Source {
  /** The tree, Debian patches applied: copied into every build's own GOPATH. */
  tree: string;
  /** Debian's upstream version string, as debian/rules passes it to -X version.Version. */
  version: string;
  /** The full Debian package version (e.g. 1.6.20~ds1-1+deb12u3), for the report. */
  debianVersion: string;
}

/** A deb-src stanza for the Debian archive apt already uses for bookworm. */
function debSrcStanza(): string {
  const { uri, signedBy } = debianArchive();
  return ["Types: deb-src", `URIs: ${uri}`, "Suites: bookworm", "Components: main", ...(signedBy ? [`Signed-By: ${signedBy}`] : []), ""].join("\n");
}

async function apt(args: string[], say: (line: string) => void): Promise<void> {
  say(`apt-get ${args.join(" ")}`);
  const r = await exec("apt-get", [...aptLock, ...args], aptMs);
  if (r.code !== 0) throw new Error(`apt-get ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
}

/** The source tree, fetched and unpacked if this machine has not done it yet. */
export async function containerdSource(say: (line: string) => void): Promise<Source> {
  const marker = join(sourceDir, "ready");
  if (!existsSync(marker) || !existsSync(sourceTree)) {
    process.env.DEBIAN_FRONTEND = "noninteractive";
    if (!existsSync(debSrcFile)) {
      writeFileSync(debSrcFile, debSrcStanza());
      say(`added ${debSrcFile}`);
    }
    await apt(["update", "-q"], say);
    await apt(["install", "-y", "-q", ...packages], say);
    // The -dev package's own Depends miss ~17 packages cmd/containerd imports.
    await apt(["build-dep", "-y", "-q", "containerd"], say);
    mkdirSync(sourceDir, { recursive: true });
    say("apt-get source --download-only containerd");
    await run("sh", ["-c", `cd '${sourceDir}' && apt-get source --download-only containerd`], aptMs);
    const dsc = readdirSync(sourceDir).find((f) => /^containerd_.*\.dsc$/.test(f));
    if (!dsc) throw new Error(`apt-get source left no containerd_*.dsc in ${sourceDir}`);
    await run("rm", ["-rf", sourceTree]);
    say(`dpkg-source -x ${dsc}`);
    await run("dpkg-source", ["-x", join(sourceDir, dsc), sourceTree], 5 * 60_000);
    writeFileSync(marker, `${dsc}\n`);
  }
  const debianVersion = /^containerd \(([^)]+)\)/.exec(readFileSync(join(sourceTree, "debian", "changelog"), "utf8"))?.[1];
  if (!debianVersion) throw new Error(`cannot read the version from ${sourceTree}/debian/changelog`);
  // debian/rules: the upstream part of the version, without the Debian revision.
  return { tree: sourceTree, version: debianVersion.replace(/-[^-]+$/, ""), debianVersion };
}
