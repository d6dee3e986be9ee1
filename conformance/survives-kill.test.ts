// The harness killed mid-trace leaves nothing behind for long: after SIGKILL the next run
// removes the killed run's daemon, shims, containers, mounts, loop devices and dirs; after
// SIGINT (Ctrl-C to the process group) or SIGTERM the run itself does, starts no further
// trace and exits non-zero. Needs root and containerd, takes about half a minute: CI runs it
// after the conformance step (.ci/run) with RESTART_SIM_KILL_TEST=1; plain `npm test` skips it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { poll } from "./exec.ts";
import { cgroupDirs, isRunning, listProcesses, pidsInCgroups, processId, type ProcessId } from "./host.ts";
import { missingPrerequisites } from "./preflight.ts";
import { basePrefix, RunRecord, type RunRecordData } from "./run-record.ts";

const repo = join(import.meta.dirname, "..");
const trace = join(repo, "traces", "cri-7247.json"); // a pod with running containers, two daemon restarts
const secondTrace = join(repo, "traces", "exit-while-down.json");

const skip = process.env.RESTART_SIM_KILL_TEST !== "1" ? "RESTART_SIM_KILL_TEST=1 is not set" : missingPrerequisites();

interface Harness {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The CLI in one node process (no tsx wrapper), in its own process group like a shell job. */
function startHarness(traces: string[]): Harness {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "conformance", ...traces], {
    cwd: repo,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => err, exited };
}

function recordOf(ownerPid: number): RunRecordData | undefined {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(basePrefix)) continue;
    const rec = RunRecord.read(join(tmpdir(), name));
    if (rec?.owner.pid === ownerPid) return rec;
  }
  return undefined;
}

/** Waits until the run is mid-trace: its daemon up and a pod's processes running in its cgroup. */
async function midTrace(h: Harness): Promise<RunRecordData> {
  const rec = await poll(
    () => {
      const r = recordOf(h.child.pid!);
      return r && r.daemons.some(isRunning) && pidsInCgroups(r.cgroupName).length >= 2 ? r : undefined;
    },
    60_000,
    20,
  );
  if (!rec) throw new Error(`the run never got mid-trace; its stderr:\n${h.stderr()}`);
  return rec;
}

/** Everything of the run the host shows, found without the harness's own cleanup code. */
function whatIsLeft(rec: RunRecordData, processes: ProcessId[]): string[] {
  const left: string[] = [];
  for (const p of processes) if (isRunning(p)) left.push(`process ${p.pid}`);
  for (const p of listProcesses()) {
    if (p.state !== "Z" && p.argv.some((a) => a.includes(rec.base))) left.push(`process ${p.pid} ${p.argv.join(" ")}`);
  }
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    if (line.includes(rec.base)) left.push(`mount ${line.split(" ")[4]}`);
  }
  for (const line of readFileSync("/proc/partitions", "utf8").split("\n")) {
    const dev = line.trim().split(/\s+/)[3];
    if (!dev?.startsWith("loop")) continue;
    try {
      const backing = readFileSync(`/sys/block/${dev}/loop/backing_file`, "utf8");
      if (backing.includes(rec.base)) left.push(`loop device /dev/${dev} on ${backing.trim()}`);
    } catch {
      // not attached
    }
  }
  for (const d of cgroupDirs(rec.cgroupName)) left.push(`cgroup ${d}`);
  if (existsSync(rec.base)) left.push(`dir ${rec.base}`);
  return left;
}

/** The daemons, shims and container processes of the run at this moment. */
function processesOf(rec: RunRecordData): ProcessId[] {
  const pids = new Set([
    ...rec.daemons.map((d) => d.pid),
    ...pidsInCgroups(rec.cgroupName),
    ...listProcesses()
      .filter((p) => p.argv.some((a) => a.includes(rec.socket)))
      .map((p) => p.pid),
  ]);
  return [...pids].flatMap((pid) => processId(pid) ?? []);
}

describe.skipIf(skip)(`the conformance harness survives being killed${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("SIGKILL mid-trace: the next run removes the killed run's daemon, shims, containers, mounts, loop devices and dir", async () => {
    const killed = startHarness([trace]);
    const rec = await midTrace(killed);
    const processes = processesOf(rec);
    process.kill(killed.child.pid!, "SIGKILL");
    await killed.exited;
    const final = RunRecord.read(rec.base)!;
    // The kill must have left something, or this test proves nothing.
    const left = whatIsLeft(final, processes);
    expect(left.filter((l) => l.startsWith("mount")).length).toBeGreaterThan(0);
    expect(left.filter((l) => l.startsWith("loop device")).length).toBeGreaterThan(0);
    expect(processes.filter(isRunning).length).toBeGreaterThanOrEqual(3); // containerd, a shim, a container

    const again = startHarness([secondTrace]);
    const done = await again.exited;
    expect(done, again.stderr()).toEqual({ code: 0, signal: null });
    expect(again.stderr()).toContain(`removed the leftovers of a killed run in ${rec.base} (its harness, pid ${killed.child.pid}, is gone)`);
    expect(again.stderr()).not.toMatch(/FAILED|WARNING/);
    expect(whatIsLeft(final, processes)).toEqual([]);
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal} mid-trace: the run cleans up at once, starts no further trace and exits ${signal === "SIGINT" ? 130 : 143}`, async () => {
      const h = startHarness([trace, secondTrace]);
      const rec = await midTrace(h);
      const processes = processesOf(rec);
      // Ctrl-C signals the whole foreground process group; a CI cancel signals the process.
      process.kill(signal === "SIGINT" ? -h.child.pid! : h.child.pid!, signal);
      const done = await h.exited;
      expect(done, h.stderr()).toEqual({ code: signal === "SIGINT" ? 130 : 143, signal: null });
      expect(h.stderr()).toContain(`restart-sim conformance: interrupted by ${signal}; removed ${rec.base}`);
      expect(h.stderr()).not.toContain("[2/2]");
      expect(recordOf(h.child.pid!)).toBeUndefined(); // no second run's base either
      expect(whatIsLeft(RunRecord.read(rec.base) ?? rec, processes)).toEqual([]);
    });
  }
});
