// One containerd binary per variant: Debian's tree plus the variant's patch, built in a GOPATH
// of its own with GO111MODULE=off, as Debian builds it (building-containerd.md). Builds are
// cached by the hash of what went into them, outside the repository; the revision baked in
// with -X names the variant and that hash, so the daemon's log proves which binary ran.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { exec, run } from "../exec.ts";
import { cacheDir, containerdSource } from "./source.ts";
import { patchesFor, testHooksPatch } from "./patches.ts";

export interface Built {
  variant: string;
  /** The directory holding `containerd`: put it first on PATH. */
  binDir: string;
  binary: string;
  /** What `containerd --version` and the daemon's start-up log line show. */
  revision: string;
  /** null when the binary came from the cache. */
  buildMs: number | null;
}

const goPackage = "github.com/containerd/containerd";
const versionPackage = `${goPackage}/version`;
const buildMs = 20 * 60_000;
/**
 * -trimpath: file paths in the binary become import paths, so every build's own GOPATH
 * compiles to the same cache keys and a patched build recompiles only what its patch
 * touches (and what imports it). Part of the cache key, like everything that went in.
 */
const goFlags = ["-trimpath"];

/** Builds (or finds in the cache) containerd for `variant`. `say` gets progress lines. */
export async function buildContainerd(variant: string, say: (line: string) => void): Promise<Built> {
  const source = await containerdSource(say);
  // The variant's fix, then the test-only hooks (they apply to every variant's tree).
  const patches = [...patchesFor(variant), testHooksPatch];
  const hash = createHash("sha256");
  hash.update(`${source.debianVersion}\n${goFlags.join(" ")}\n`);
  for (const p of patches) hash.update(`${p.name}\n`).update(readFileSync(p.path));
  const key = hash.digest("hex").slice(0, 12);
  const dir = join(cacheDir, key);
  const binDir = join(dir, "bin");
  const binary = join(binDir, "containerd");
  const revision = `restart-sim-${variant}-${key}`;
  if (existsSync(binary)) {
    say(`${variant}: cached build ${binary} (revision ${revision})`);
    return { variant, binDir, binary, revision, buildMs: null };
  }

  const t0 = Date.now();
  // Per process: two runs building the same variant at once do not share a tree.
  const gopath = join(dir, `gopath-${process.pid}`);
  const tree = join(gopath, "src", goPackage);
  await run("rm", ["-rf", gopath]);
  mkdirSync(dirname(tree), { recursive: true });
  await run("cp", ["-a", source.tree, tree], 5 * 60_000);
  for (const p of patches) {
    say(`${variant}: applying ${p.name}`);
    const r = await exec("patch", ["-p1", "--forward", "--batch", "-d", tree, "-i", p.path]);
    if (r.code !== 0) throw new Error(`${p.name} does not apply to Debian's ${source.debianVersion}: ${(r.stdout + r.stderr).trim()}`);
  }

  const log = join(dir, "build.log");
  const ldflags = `-X ${versionPackage}.Version=${source.version} -X ${versionPackage}.Revision=${revision}`;
  say(`${variant}: go build (GOPATH ${gopath}; on 2 cores the first build takes about 3.5 min, later ones 15-30 s)`);
  const out = join(binDir, `containerd.partial-${process.pid}`);
  mkdirSync(binDir, { recursive: true });
  await goBuild(["build", "-v", ...goFlags, "-o", out, "-ldflags", ldflags, `${goPackage}/cmd/containerd`], {
    GOPATH: `${gopath}:/usr/share/gocode`,
    GO111MODULE: "off",
    GOCACHE: join(cacheDir, "gocache"),
  }, log, (n) => say(`${variant}: go build: ${n} packages compiled, ${Math.round((Date.now() - t0) / 1000)} s`));
  renameSync(out, binary);
  // The tree is only needed to build: keep the binary and the log.
  await run("rm", ["-rf", gopath], 5 * 60_000);
  const ms = Date.now() - t0;
  say(`${variant}: built ${binary} in ${Math.round(ms / 1000)} s (revision ${revision})`);
  return { variant, binDir, binary, revision, buildMs: ms };
}

/**
 * `go build -v`: one package name per line on stderr, counted for progress every 10 s.
 * `prefix` runs go through another command (the 1.7 builds: inside trixie's chroot).
 */
export function goBuild(args: string[], env: Record<string, string>, logFile: string, progress: (compiled: number) => void, prefix: readonly string[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const [file, ...rest] = [...prefix, "go", ...args];
    const child = spawn(file!, rest, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let compiled = 0;
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      compiled += text.split("\n").filter((l) => /^[\w.-]+(\/[\w.-]+)*$/.test(l.trim()) && l.trim() !== "").length;
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setInterval(() => progress(compiled), 10_000);
    const killer = setTimeout(() => child.kill("SIGKILL"), buildMs);
    child.on("error", (err) => {
      clearInterval(timer);
      clearTimeout(killer);
      reject(err);
    });
    child.on("close", (code) => {
      clearInterval(timer);
      clearTimeout(killer);
      writeFileSync(logFile, output);
      if (code === 0) resolve();
      else reject(new Error(`go build failed (exit ${code}), log ${logFile}:\n${output.split("\n").filter((l) => /\.go:\d+/.test(l)).slice(0, 20).join("\n")}`));
    });
  });
}
