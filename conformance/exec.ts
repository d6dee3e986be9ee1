// Running host tools (mount, losetup, mkfs.ext4, ctr ...) with a timeout, and small waits.
// A failing tool becomes an Error that carries its stderr, because that text is what
// explains a broken setup.
import { execFile } from "node:child_process";

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool; never throws for a non-zero exit (see `run` for that). */
export function exec(file: string, args: string[], timeoutMs = 30_000): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (err && code !== 0 ? err.message : "") });
    });
  });
}

/** Runs a tool and throws unless it exits 0. */
export async function run(file: string, args: string[], timeoutMs = 30_000): Promise<string> {
  const r = await exec(file, args, timeoutMs);
  if (r.code !== 0) throw new Error(`${file} ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a non-undefined value or the timeout passes. */
export async function poll<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 50): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() >= end) return undefined;
    await sleep(intervalMs);
  }
}
