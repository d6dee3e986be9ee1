// A Debian trixie chroot, made once under the cache dir, in which containerd 1.7 is built from
// trixie's own source package without touching the host's packages (containerd-1.7.md):
// `debootstrap --variant=minbase trixie`, trixie's deb and deb-src lines, the build tools and
// `apt-get build-dep containerd` inside it; then the source, Debian's patches applied. Every
// command runs in a mount namespace of its own with /proc mounted (go and apt read
// /proc/self), which ends with the command, so nothing stays mounted on the host.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { debianArchive } from "../debian-archive.ts";
import { exec, run } from "../exec.ts";

/** Everything the 1.7 builds keep: the chroot, and inside it the source and the builds. */
export const buildRoot = "/var/cache/restart-sim/containerd-1.7-build";
export const chrootDir = join(buildRoot, "chroot");
/** Inside the chroot: the source, one dir per build, the shared Go build cache. */
export const workInChroot = "/build";
const sourceInChroot = `${workInChroot}/src`;
/** The tree with Debian's patches applied, as the chroot sees it. */
export const treeInChroot = `${sourceInChroot}/tree`;
const aptMs = 20 * 60_000;
const suite = "trixie";

/** Put before a command line to run it inside the chroot, /proc mounted in a private mount namespace. */
export const inChrootPrefix: readonly string[] = ["unshare", "-m", "--propagation", "private", "sh", "-c", 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"', chrootDir];

/** `sh -c script` inside the chroot: the command line. */
export function chrootCommand(script: string): string[] {
  return [...inChrootPrefix, "sh", "-c", script];
}

/** Runs `script` inside the chroot; throws with its last lines unless it exits 0. */
export async function inChroot(script: string, timeoutMs = aptMs): Promise<string> {
  const [file, ...args] = chrootCommand(`export DEBIAN_FRONTEND=noninteractive; ${script}`);
  const r = await exec(file!, args, timeoutMs);
  if (r.code !== 0) throw new Error(`in the trixie chroot: ${script} failed (exit ${r.code}): ${(r.stdout + r.stderr).trim().split("\n").slice(-5).join(" | ")}`);
  return r.stdout;
}

/** The chroot with containerd's build-deps, made if this machine has not done it yet. */
export async function trixieChroot(say: (line: string) => void): Promise<void> {
  const ready = join(buildRoot, "chroot-ready");
  if (existsSync(ready)) return;
  const t0 = Date.now();
  const seconds = () => `${Math.round((Date.now() - t0) / 1000)} s`;
  if ((await exec("sh", ["-c", "command -v debootstrap"])).code !== 0) {
    say("containerd 1.7 build: apt-get install debootstrap (on the host: the only package the 1.7 builds install there)");
    await run("apt-get", ["-o", "DPkg::Lock::Timeout=900", "install", "-y", "-q", "debootstrap"], aptMs);
  }
  const { uri } = debianArchive();
  const partial = `${chrootDir}.partial-${process.pid}`;
  mkdirSync(buildRoot, { recursive: true });
  await run("rm", ["-rf", partial, chrootDir], aptMs);
  say(`containerd 1.7 build: debootstrap --variant=minbase ${suite} ${chrootDir} (about 30-60 s)`);
  await run("debootstrap", ["--variant=minbase", suite, partial, uri], aptMs);
  renameSync(partial, chrootDir);
  const security = uri.replace(/\/debian\/?$/, "/debian-security");
  writeFileSync(
    join(chrootDir, "etc", "apt", "sources.list"),
    [`deb ${uri} ${suite} main`, `deb-src ${uri} ${suite} main`, `deb ${security} ${suite}-security main`, `deb-src ${security} ${suite}-security main`, ""].join("\n"),
  );
  writeFileSync(join(chrootDir, "etc", "resolv.conf"), readFileSync("/etc/resolv.conf"));
  say(`containerd 1.7 build: apt-get update, install dpkg-dev patch xz-utils in the chroot (${seconds()})`);
  await inChroot("apt-get update -q && apt-get install -y -q --no-install-recommends dpkg-dev patch xz-utils");
  say(`containerd 1.7 build: apt-get build-dep containerd in the chroot (1-4 min) (${seconds()})`);
  await inChroot("apt-get build-dep -y -q --no-install-recommends containerd");
  writeFileSync(ready, `${new Date().toISOString()}\n`);
  say(`containerd 1.7 build: chroot ready in ${seconds()}`);
}

export interface Source17 {
  /** Debian's upstream version string, as debian/rules passes it to -X version.Version. */
  version: string;
  /** The full Debian package version (e.g. 1.7.24~ds1-6+deb13u1). */
  debianVersion: string;
}

/**
 * trixie's containerd source, Debian's patches applied, at `treeInChroot`. `apt-get source`
 * fetches the orig and debian tarballs (checked against the Sources index) but the archive
 * may not serve the .dsc, so the tarballs are unpacked and debian/patches/series applied by
 * hand, as dpkg-source would for a 3.0 (quilt) package.
 */
export async function containerd17Source(say: (line: string) => void): Promise<Source17> {
  await trixieChroot(say);
  const sourceDir = join(chrootDir, sourceInChroot);
  const tree = join(chrootDir, treeInChroot);
  const ready = join(sourceDir, "ready");
  if (!existsSync(ready) || !existsSync(tree)) {
    mkdirSync(sourceDir, { recursive: true });
    say("containerd 1.7 build: apt-get source --download-only containerd (trixie) in the chroot");
    // Exit status ignored: a missing .dsc fails it after the tarballs are in; they are checked below.
    const [file, ...args] = chrootCommand(`cd ${sourceInChroot} && apt-get source --download-only containerd`);
    await exec(file!, args, aptMs);
    const files = readdirSync(sourceDir);
    const orig = files.find((f) => /^containerd_.*\.orig\.tar\.\w+$/.test(f));
    const debian = files.find((f) => /^containerd_.*\.debian\.tar\.\w+$/.test(f));
    if (!orig || !debian) throw new Error(`apt-get source left no orig and debian tarballs in ${sourceDir} (found: ${files.join(", ")})`);
    say(`containerd 1.7 build: unpacking ${orig} and ${debian}, applying debian/patches/series`);
    await inChroot(
      [
        `rm -rf ${treeInChroot} && mkdir ${treeInChroot} && cd ${treeInChroot}`,
        `tar -xf ../${orig} --strip-components=1 && tar -xf ../${debian}`,
        `for p in $(grep -v '^#' debian/patches/series); do patch -p1 --forward --batch -s -i debian/patches/$p || exit 1; done`,
      ].join(" && "),
      5 * 60_000,
    );
    writeFileSync(ready, `${orig}\n${debian}\n`);
  }
  const debianVersion = /^containerd \(([^)]+)\)/.exec(readFileSync(join(tree, "debian", "changelog"), "utf8"))?.[1];
  if (!debianVersion) throw new Error(`cannot read the version from ${tree}/debian/changelog`);
  return { version: debianVersion.replace(/-[^-]+$/, ""), debianVersion };
}
