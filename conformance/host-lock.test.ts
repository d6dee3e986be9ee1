// The host-wide conformance lock (host-lock.ts), taken by separate processes as two runs
// would: the second waits and says for whom, and gets the lock once the first is SIGKILLed
// (the kernel releases a dead process's flock). Needs no root: the lock file is a temp file.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { poll } from "./exec.ts";

const module = join(import.meta.dirname, "host-lock.ts");
const started: ChildProcess[] = [];

/** A process that takes the lock, says "locked" on stdout and waits to be killed. */
function locker(path: string): { child: ChildProcess; out: () => string; err: () => string } {
  const code = `const { takeHostLock } = await import(${JSON.stringify(module)}); await takeHostLock((l) => console.error(l), ${JSON.stringify(path)}); console.log("locked"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return { child, out: () => out, err: () => err };
}

afterEach(() => {
  for (const c of started.splice(0)) c.kill("SIGKILL");
});

describe("the host-wide conformance lock", () => {
  it("a second run waits, naming the holder's pid, and gets the lock when the holder is SIGKILLed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "restart-sim-lock-test-"));
    try {
      const path = join(dir, "lock");
      const first = locker(path);
      expect(await poll(() => (first.out().includes("locked") ? true : undefined), 20_000), first.err()).toBe(true);
      const second = locker(path);
      const waiting = await poll(() => (second.err().includes("waiting for another conformance run") ? second.err() : undefined), 20_000);
      expect(waiting, second.err()).toContain(`waiting for another conformance run (pid ${first.child.pid})`);
      // Still waiting a while later: the lock really excludes.
      await new Promise((r) => setTimeout(r, 500));
      expect(second.out()).toBe("");
      first.child.kill("SIGKILL");
      expect(await poll(() => (second.out().includes("locked") ? true : undefined), 20_000), second.err()).toBe(true);
      expect(second.err()).toMatch(/got the conformance lock after \d+\.\d s/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
