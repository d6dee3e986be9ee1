// containerd 1.7 per variant: trixie's 1.7.24 tree (Debian's patches applied) plus the
// variant's port (conformance/patches/1.7/), `go build` of cmd/containerd inside trixie's
// chroot, as Debian's dh-golang builds it (GOPATH with /usr/share/gocode, GO111MODULE=off,
// -trimpath, debian/rules' -X version flags, no build tags). Only the daemon is built: the
// CRI plugin is in it; the shim and ctr are trixie's packaged ones (containerd-1.7.ts), and
// the run machinery is 1.7's (private mount namespace, bookworm's runc). Cached by the hash of
// what went in; the revision names the variant, the release and that hash, so the daemon's
// log proves which binary ran. The test-only hooks are not applied: the traces that need
// them (storage.hang) run on 1.6's builds only.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { exec, run } from "../exec.ts";
import { fetchContainerd17, type Containerd17 } from "../containerd-1.7.ts";
import { goBuild } from "./build.ts";
import { patchesFor } from "./patches.ts";
import { chrootDir, containerd17Source, inChrootPrefix, treeInChroot, workInChroot } from "./trixie-chroot.ts";

const goPackage = "github.com/containerd/containerd";
const versionPackage = `${goPackage}/version`;
/** As dh-golang's `go install -trimpath`; also lets every build reuse the shared GOCACHE. */
const goFlags = ["-trimpath"];

/** Builds (or finds in the cache) containerd 1.7 for `variant`, with trixie's shim and ctr beside it. */
export async function buildContainerd17(variant: string, say: (line: string) => void): Promise<Containerd17> {
  const patches = patchesFor(variant, "1.7");
  const packaged = await fetchContainerd17(say);
  const source = await containerd17Source(say);
  const hash = createHash("sha256");
  hash.update(`1.7\n${source.debianVersion}\n${goFlags.join(" ")}\n`);
  for (const p of patches) hash.update(`${p.name}\n`).update(readFileSync(p.path));
  const key = hash.digest("hex").slice(0, 12);
  const dir = `${workInChroot}/builds/${key}`;
  const binary = join(chrootDir, dir, "containerd");
  const revision = `restart-sim-${variant}-1.7-${key}`;
  const built = (fetchMs: number | null): Containerd17 => ({ binDir: packaged.binDir, containerd: binary, ctr: packaged.ctr, revision, fetchMs });
  if (existsSync(binary)) {
    say(`${variant}@1.7: cached build ${binary} (revision ${revision})`);
    return built(null);
  }

  const t0 = Date.now();
  // Per process: two runs building the same variant at once do not share a tree.
  const gopath = `${dir}/gopath-${process.pid}`;
  const tree = `${gopath}/src/${goPackage}`;
  const onHost = (p: string) => join(chrootDir, p);
  await run("rm", ["-rf", onHost(gopath)]);
  mkdirSync(onHost(`${gopath}/src/github.com/containerd`), { recursive: true });
  await run("cp", ["-a", onHost(treeInChroot), onHost(tree)], 5 * 60_000);
  for (const p of patches) {
    say(`${variant}@1.7: applying ${p.name}`);
    const r = await exec("patch", ["-p1", "--forward", "--batch", "-d", onHost(tree), "-i", p.path]);
    if (r.code !== 0) throw new Error(`1.7/${p.name} does not apply to Debian's ${source.debianVersion}: ${(r.stdout + r.stderr).trim()}`);
  }

  const ldflags = `-X ${versionPackage}.Version=${source.version} -X ${versionPackage}.Revision=${revision}`;
  const partial = `${dir}/containerd.partial-${process.pid}`;
  say(`${variant}@1.7: go build in the trixie chroot (GOPATH ${gopath}; on 2 cores the first build takes a few minutes, later ones well under one)`);
  await goBuild(
    ["build", "-v", ...goFlags, "-o", partial, "-ldflags", ldflags, `${goPackage}/cmd/containerd`],
    {
      GOPATH: `${gopath}:/usr/share/gocode`,
      GO111MODULE: "off",
      GOPROXY: "off",
      GOTOOLCHAIN: "local",
      GOCACHE: `${workInChroot}/gocache`,
      PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
      HOME: "/root",
    },
    onHost(`${dir}/build.log`),
    (n) => say(`${variant}@1.7: go build: ${n} packages compiled, ${Math.round((Date.now() - t0) / 1000)} s`),
    inChrootPrefix,
  );
  renameSync(onHost(partial), binary);
  // The tree is only needed to build: keep the binary and the log.
  await run("rm", ["-rf", onHost(gopath)], 5 * 60_000);
  const ms = Date.now() - t0;
  say(`${variant}@1.7: built ${binary} in ${Math.round(ms / 1000)} s (revision ${revision})`);
  return built(ms);
}
