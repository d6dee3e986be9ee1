// The harness killed mid-trace leaves nothing behind for long: after SIGKILL the next run
// removes the killed run's daemon, shims, containers, mounts, loop devices and dirs; after
// SIGINT (Ctrl-C to the process group) or SIGTERM the run itself does, starts no further
// trace and exits non-zero. On containerd 1.7 the run's mount namespace goes too. Needs root and containerd, takes about half a minute: CI runs it
// after the conformance step (.ci/run) with RESTART_SIM_KILL_TEST=1; plain `npm test` skips it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync, statfsSync } from "node:fs";
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

/**
 * The CLI in its own process group, like a shell job: in one node process, or as the README
 * says, `npm run conformance`: npm, then tsx (which relays signals to its node child and
 * SIGKILLs a child that does not answer within about 60 ms), then the harness.
 */
function startHarness(traces: string[], via: "node" | "npm run" = "node"): Harness {
  const [file, args] =
    via === "node" ? [process.execPath, ["--import", "tsx", "cli/main.ts", "conformance"]] : ["npm", ["run", "-s", "conformance", "--"]];
  const child = spawn(file, [...args, ...traces], {
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

/** The record of a run whose harness is `pid` or runs under it (npm, sh, tsx, node). */
function recordOf(pid: number): RunRecordData | undefined {
  const parents = new Map(listProcesses().map((p) => [p.pid, p.ppid]));
  const under = (p: number | undefined): boolean => p !== undefined && p > 1 && (p === pid || under(parents.get(p)));
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(basePrefix)) continue;
    const rec = RunRecord.read(join(tmpdir(), name));
    if (rec && under(rec.owner.pid)) return rec;
  }
  return undefined;
}

/** The share of the run's small root filesystem in use. */
function rootUse(rec: RunRecordData): number {
  try {
    const s = statfsSync(join(rec.base, "mnt"));
    return 1 - s.bfree / s.blocks;
  } catch {
    return 0;
  }
}

/**
 * Waits until the run is mid-trace: its daemon up and a pod's processes running in its
 * cgroup; with "filling", also until disk.fill is under way (the harness is busy writing).
 */
async function midTrace(h: Harness, moment: "pods running" | "filling" = "pods running"): Promise<RunRecordData> {
  const rec = await poll(
    () => {
      const r = recordOf(h.child.pid!);
      if (!r || pidsInCgroups(r.cgroupName).length < 2) return undefined;
      if (moment === "filling") return r.daemons.length === 1 && rootUse(r) > 0.3 ? r : undefined;
      return r.daemons.some(isRunning) ? r : undefined;
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

/**
 * containerd 1.7's runs: the processes in the run's mount namespace (mount-namespace.ts), found
 * by its holder. Read while the namespace lives: once it is gone, its inode number may name a
 * later namespace.
 */
function namespaceMembers(rec: RunRecordData): ProcessId[] {
  const holder = rec.daemons.find((d) => isRunning(d) && listProcesses().find((p) => p.pid === d.pid)?.argv[0] === join(rec.base, "mount-namespace"));
  if (!holder) throw new Error(`no mount namespace holder among the run's daemons ${JSON.stringify(rec.daemons)}`);
  const nsOf = (pid: number) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/mnt`);
    } catch {
      return undefined;
    }
  };
  const id = nsOf(holder.pid)!;
  return listProcesses().flatMap((p) => (p.state !== "Z" && nsOf(p.pid) === id ? (processId(p.pid) ?? []) : []));
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
    expect(again.stderr()).toContain(`removed the leftovers of a killed run in ${rec.base} (its harness, pid ${killed.child.pid}, is gone) in `);
    expect(again.stderr()).not.toMatch(/FAILED|WARNING/);
    expect(whatIsLeft(final, processes)).toEqual([]);
  });

  it("SIGKILL mid-trace on containerd 1.7: the next run also ends the run's mount namespace and its mounts; no shim socket reached the host's /run/containerd/s", async () => {
    const killed = startHarness([trace, "--containerd", "1.7"]);
    const rec = await midTrace(killed);
    const processes = processesOf(rec);
    const sockets = readdirSync(join(rec.base, "run-containerd", "s"));
    process.kill(killed.child.pid!, "SIGKILL");
    await killed.exited;
    const final = RunRecord.read(rec.base)!;
    const inNamespace = namespaceMembers(final);
    expect(inNamespace.length).toBeGreaterThanOrEqual(3); // the holder, containerd, a shim
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.filter((s) => existsSync(join("/run/containerd/s", s)))).toEqual([]);

    const again = startHarness([secondTrace, "--containerd", "1.7"]);
    const done = await again.exited;
    expect(done, again.stderr()).toEqual({ code: 0, signal: null });
    expect(again.stderr()).toContain(`removed the leftovers of a killed run in ${rec.base} (its harness, pid ${killed.child.pid}, is gone) in `);
    expect(again.stderr()).not.toMatch(/FAILED|WARNING/);
    expect(whatIsLeft(final, processes)).toEqual([]);
    // Nothing else holds the namespace: with its last process it is gone, and its mounts with it.
    expect(inNamespace.filter(isRunning)).toEqual([]);
  });

  // Ctrl-C on `npm run conformance` signals the whole foreground process group: npm, tsx and
  // the harness. tsx SIGKILLs a harness that does not answer at once, so the signal comes
  // while the harness is busiest, filling the disk. A CI cancel signals the one process it
  // started.
  for (const [signal, via, moment, code] of [
    ["SIGINT", "npm run", "filling", 130],
    ["SIGTERM", "node", "pods running", 143],
  ] as const) {
    it(`${signal} (${via}) while ${moment}: the run cleans up at once, starts no further trace and exits ${code}`, async () => {
      const h = startHarness([trace, secondTrace], via);
      const rec = await midTrace(h, moment);
      const processes = processesOf(rec);
      process.kill(signal === "SIGINT" ? -h.child.pid! : h.child.pid!, signal);
      const done = await h.exited;
      await poll(() => (isRunning(rec.owner) ? undefined : true), 30_000); // npm need not wait for it
      // npm itself dies of the SIGINT; the harness's own exit code shows where it runs alone.
      expect(done, h.stderr()).toEqual(via === "npm run" ? { code: null, signal: "SIGINT" } : { code, signal: null });
      expect(h.stderr()).toContain(`restart-sim conformance: interrupted by ${signal}; removed ${rec.base}`);
      expect(h.stderr()).not.toContain("[2/2]");
      // No second trace's base either.
      const bases = readdirSync(tmpdir()).flatMap((n) => (n.startsWith(basePrefix) ? (RunRecord.read(join(tmpdir(), n)) ?? []) : []));
      expect(bases.filter((b) => b.owner.pid === rec.owner.pid)).toEqual([]);
      expect(whatIsLeft(rec, processes)).toEqual([]);
    });
  }
});
