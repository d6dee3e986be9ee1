// Runs that were killed before their own cleanup ran (SIGKILL, an out-of-memory kill, a CI
// timeout) leave a containerd, shims, mounts and loop devices behind. Every run starts by
// finding the bases whose owner process is gone and removing what their records name; a
// base whose owner is alive belongs to a run in progress and is left alone.
import { rmdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRunning, readdirOrEmpty } from "./host.ts";
import { basePrefix, RunRecord } from "./run-record.ts";
import { killDaemons, leftoversOf, removeRun, stepInto } from "./teardown.ts";

export interface StaleRun {
  base: string;
  ownerPid: number;
  /** What was done, in order: "stopped containerd 123", "unmount", ... and failed steps. */
  steps: string[];
  /** What is still there afterwards; empty when the base is gone for good. */
  leftovers: string[];
  ms: number;
}

/** A base dir younger than this without a record may be a run that is just starting. */
const recordlessGraceMs = 60_000;

/** Cleans every stale base under `dir` (the system temp dir by default). */
export async function cleanStaleRuns(dir = tmpdir()): Promise<StaleRun[]> {
  const out: StaleRun[] = [];
  for (const name of readdirOrEmpty(dir)) {
    if (!name.startsWith(basePrefix)) continue;
    const base = join(dir, name);
    const rec = RunRecord.read(base);
    if (!rec) {
      // Killed between mkdtemp and the first record write: the dir can hold nothing else.
      if (ageMs(base) > recordlessGraceMs) removeEmptyDir(base, out);
      continue;
    }
    if (isRunning(rec.owner)) continue;
    const t0 = Date.now();
    const steps: string[] = [];
    const step = stepInto(steps);
    await step("stop containerd by its recorded pid", async () => (await killDaemons(rec)).join(", ") || "none running");
    await removeRun(rec, step);
    out.push({ base, ownerPid: rec.owner.pid, steps, leftovers: await leftoversOf(rec), ms: Date.now() - t0 });
  }
  return out;
}

function removeEmptyDir(base: string, out: StaleRun[]): void {
  try {
    rmdirSync(base);
    out.push({ base, ownerPid: 0, steps: ["remove empty work dir without a record"], leftovers: [], ms: 0 });
  } catch {
    // not empty: not made by a run that died before its record, so not ours to judge
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
