// Removing what a run made on the host, from its record, in the order real-containerd.md
// found necessary: no process may still hold a mount, no mount a loop device, and nothing
// may be mounted under a dir before it is removed. The run's own cleanup (environment.ts)
// and the cleanup of a killed run (stale-runs.ts) both end here, and both check with
// `leftoversOf` that nothing is left.
import { existsSync, readFileSync, rmdirSync, rmSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { isMountPoint, mountPointsUnder } from "./disk.ts";
import { exec, sleep } from "./exec.ts";
import { cgroupDirs, isAlive, isRunning, killPid, pidsInCgroups, processesMentioning, readdirOrEmpty, removeCgroups } from "./host.ts";
import type { RunRecordData } from "./run-record.ts";

/** Runs one cleanup step; a failing step is reported and the next one still runs. */
export type Step = (what: string, fn: () => Promise<string | void> | string | void) => Promise<void>;

/** A Step that notes each step in `steps`: its name, what it removed if it says, or how it failed. */
export function stepInto(steps: string[]): Step {
  return async (what, fn) => {
    try {
      const detail = await fn();
      steps.push(detail ? `${what}: ${detail}` : what);
    } catch (err) {
      steps.push(`${what}: FAILED ${(err as Error).message}`);
    }
  };
}

/** Shim sockets live in /run/containerd/s whatever --state says (containerd 1.6 runtime/v2/shim/util_unix.go:SocketAddress). */
const shimSocket = /^\/run\/containerd\/s\/[0-9a-f]{64}$/;

/** SIGKILL, by pid, of every daemon the run recorded that is still that same process. */
export async function killDaemons(rec: RunRecordData): Promise<number[]> {
  const live = rec.daemons.filter(isRunning);
  for (const d of live) killPid(d.pid, "SIGKILL");
  for (let i = 0; i < 100 && live.some(isRunning); i++) await sleep(20);
  return live.map((d) => d.pid);
}

/** Removes everything of the run but its daemons, which the caller has stopped. */
export async function removeRun(rec: RunRecordData, step: Step): Promise<void> {
  // Read before the state tmpfs goes: after a SIGKILL the shims cannot remove their sockets.
  const sockets = shimSockets(rec.state);
  await step("kill shims and container processes", () => killRunProcesses(rec));
  await step("remove shim sockets", () => {
    const left = sockets.filter(existsSync);
    for (const s of left) unlinkSync(s);
    return said(left);
  });
  await step("unmount", () => unmountAll(rec));
  await step("detach loop devices", () => detachLoops(rec));
  await step("remove cgroups", () => {
    const dirs = cgroupDirs(rec.cgroupName);
    const left = removeCgroups(rec.cgroupName);
    if (left.length > 0) throw new Error(`busy: ${left.join(", ")}`);
    return dirs.length === 0 ? "none" : `${rec.cgroupName} in ${dirs.length} hierarchies`;
  });
  await step("remove work dir", () => {
    // Never recurse into a filesystem that is still mounted.
    const still = mountPointsUnder(rec.base);
    if (still.length > 0) throw new Error(`still mounted: ${still.join(", ")}`);
    rmSync(rec.base, { recursive: true, force: true });
    return rec.base;
  });
  // Only dirs the run caused to exist, and only when empty, so a system containerd's
  // sockets are never touched.
  for (const d of rec.outsideDirs) await step(`remove ${d} if empty`, () => rmdirIfEmpty(d));
}

/** A step's detail: the things it removed, or "none". */
function said(things: (string | number)[]): string {
  return things.length === 0 ? "none" : things.join(", ");
}

/** What is left of the run on the host; empty when nothing is. */
export async function leftoversOf(rec: RunRecordData): Promise<string[]> {
  const left: string[] = [];
  for (const d of rec.daemons) if (isRunning(d)) left.push(`containerd pid ${d.pid} alive`);
  for (const p of runProcesses(rec)) left.push(`process ${p.pid} (${p.argv.join(" ")}) of the run`);
  for (const pid of pidsInCgroups(rec.cgroupName)) left.push(`pid ${pid} in our cgroup`);
  for (const d of cgroupDirs(rec.cgroupName)) left.push(`cgroup ${d}`);
  for (const m of runMounts(rec)) left.push(`mount ${m}`);
  for (const l of await runLoops(rec)) left.push(`loop device ${l.device} (${l.backing})`);
  if (existsSync(rec.base)) left.push(`work dir ${rec.base}`);
  return left;
}

/** Shims (they name our socket), daemons (they name our base) and anything in our cgroups. */
function runProcesses(rec: RunRecordData) {
  const inBase = (a: string) => a === rec.base || a.includes(`${rec.base}/`);
  return [...processesMentioning(rec.socket), ...processesMentioning(rec.base).filter((p) => p.argv.some(inBase))].filter(
    (p) => p.pid !== process.pid,
  );
}

/** SIGKILL by pid until none is left; says which pids it killed. */
async function killRunProcesses(rec: RunRecordData): Promise<string> {
  const killed = new Set<number>();
  for (let round = 0; round < 50; round++) {
    const pids = new Set([...runProcesses(rec).map((p) => p.pid), ...pidsInCgroups(rec.cgroupName)]);
    pids.delete(process.pid);
    // A killed process that is still exiting has lost its argv and left its cgroup, but not
    // yet its mount namespace: the last one out of containerd 1.7's namespace unmounts the
    // namespace's copies of our filesystems (mount-namespace.ts). Wait for it too.
    const live = [...new Set([...pids, ...killed])].filter(isAlive);
    if (live.length === 0) return said([...killed]);
    for (const pid of live) {
      killPid(pid, "SIGKILL");
      killed.add(pid);
    }
    await sleep(100);
  }
  throw new Error("processes of the run still alive after 50 rounds of SIGKILL");
}

/** Each task bundle's `address` file names its shim's socket (unix:///run/containerd/s/<sha256>). */
function shimSockets(state: string): string[] {
  const tasks = join(state, "io.containerd.runtime.v2.task");
  const out: string[] = [];
  for (const ns of readdirOrEmpty(tasks)) {
    for (const id of readdirOrEmpty(join(tasks, ns))) {
      try {
        const path = readFileSync(join(tasks, ns, id, "address"), "utf8").trim().replace(/^unix:\/\//, "");
        if (shimSocket.test(path)) out.push(path);
      } catch {
        // no address file: the shim never came up
      }
    }
  }
  return [...new Set(out)]; // one shim serves a whole pod: its sandbox and containers name one socket
}

/** Mounts under the base and recorded ones still mounted, deepest first. */
function runMounts(rec: RunRecordData): string[] {
  const all = new Set([...mountPointsUnder(rec.base), ...rec.mounts.filter(isMountPoint)]);
  return [...all].sort((a, b) => b.length - a.length);
}

async function unmountAll(rec: RunRecordData): Promise<string> {
  const done: string[] = [];
  for (let round = 0; round < 3; round++) {
    const points = runMounts(rec);
    if (points.length === 0) break;
    for (const p of points) {
      const r = await exec("umount", [p]);
      if (r.code !== 0) await exec("umount", ["-l", p]);
      done.push(p);
    }
  }
  return said(done);
}

/** Loop devices backed by a recorded image or by any file in the base (a kill may come between `losetup` and its record). */
async function runLoops(rec: RunRecordData): Promise<{ device: string; backing: string }[]> {
  const r = await exec("losetup", ["--list", "--noheadings", "--raw", "--output", "NAME,BACK-FILE"]);
  const ours = (backing: string) => rec.loopImages.includes(backing) || backing.startsWith(`${rec.base}/`);
  return r.stdout
    .split("\n")
    .map((l) => {
      const space = l.indexOf(" ");
      // losetup --raw escapes spaces as \x20; a removed backing file shows " (deleted)".
      return { device: l.slice(0, space), backing: l.slice(space + 1).replace(/\\x20/g, " ").replace(/ \(deleted\)$/, "") };
    })
    .filter((l) => l.device && ours(l.backing));
}

async function detachLoops(rec: RunRecordData): Promise<string> {
  const loops = await runLoops(rec);
  for (const l of loops) await exec("losetup", ["-d", l.device]);
  return said(loops.map((l) => l.device));
}

function rmdirIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (someone else's shim) or already gone
  }
}
