// What the host says, independent of containerd: live processes (from /proc) and our
// cgroup trees. The observation's `process` field is judged here, because a container the
// CRI plugin skipped is invisible to CRI while its process keeps running.
import { existsSync, readdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";

export interface HostProcess {
  pid: number;
  ppid: number;
  /** The one-letter state from /proc/<pid>/stat; "Z" is a zombie (already dead). */
  state: string;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22): with the pid, names one process even after the pid is reused. */
  start: number;
  argv: string[];
}

/** One process for good: a pid alone may name a different process once the first has exited. */
export interface ProcessId {
  pid: number;
  start: number;
}

function readProc(pid: number): HostProcess | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm may contain spaces and parentheses: the fields after the last ")" are fixed.
    const after = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    if (argv.at(-1) === "") argv.pop();
    // after[0] is field 3 (state), so field 22 (starttime) is after[19].
    return { pid, state: after[0] ?? "?", ppid: Number(after[1]), start: Number(after[19]), argv };
  } catch {
    return undefined; // it exited while we looked
  }
}

export function listProcesses(): HostProcess[] {
  const out: HostProcess[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) out.push(p);
  }
  return out;
}

/** Live (non-zombie) processes with `marker` as one of their arguments. */
export function processesWithArg(marker: string): HostProcess[] {
  return listProcesses().filter((p) => p.state !== "Z" && p.argv.includes(marker));
}

/** Live (non-zombie) processes whose command line mentions `text` anywhere. */
export function processesMentioning(text: string): HostProcess[] {
  return listProcesses().filter((p) => p.state !== "Z" && p.argv.some((a) => a.includes(text)));
}

export function isAlive(pid: number): boolean {
  const p = readProc(pid);
  return p !== undefined && p.state !== "Z";
}

/** The pid and start time of a live process, to record it. */
export function processId(pid: number): ProcessId | undefined {
  const p = readProc(pid);
  return p && p.state !== "Z" ? { pid, start: p.start } : undefined;
}

/** True while the recorded process itself (not a later one with its pid) is alive. */
export function isRunning(id: ProcessId): boolean {
  return processId(id.pid)?.start === id.start;
}

export function killPid(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Mount points of every cgroup hierarchy (v1 controllers, name=systemd, unified v2). */
export function cgroupMounts(): string[] {
  let info = "";
  try {
    info = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of info.split("\n")) {
    const [pre, post] = line.split(" - ");
    const fstype = post?.split(" ")[0];
    const mp = pre?.split(" ")[4];
    if (mp && (fstype === "cgroup" || fstype === "cgroup2")) out.push(mp);
  }
  return out;
}

/** Our cgroup directory (`/<name>`) in every hierarchy where it exists. */
export function cgroupDirs(name: string): string[] {
  return cgroupMounts()
    .map((m) => join(m, name))
    .filter((d) => existsSync(d));
}

export function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function subdirsDeepestFirst(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirOrEmpty(d)) {
      const child = join(d, n);
      try {
        if (statSync(child).isDirectory()) walk(child);
      } catch {
        // raced with removal
      }
    }
    out.push(d);
  };
  walk(dir);
  return out;
}

/** Every pid in the cgroup tree (all hierarchies). */
export function pidsInCgroups(name: string): number[] {
  const pids = new Set<number>();
  for (const dir of cgroupDirs(name)) {
    for (const d of subdirsDeepestFirst(dir)) {
      try {
        for (const l of readFileSync(join(d, "cgroup.procs"), "utf8").split("\n")) if (l.trim()) pids.add(Number(l));
      } catch {
        // no cgroup.procs in this directory or it vanished
      }
    }
  }
  return [...pids];
}

/** rmdir of our cgroup tree in every hierarchy, deepest first; returns what is left. */
export function removeCgroups(name: string): string[] {
  for (const dir of cgroupDirs(name)) {
    for (const d of subdirsDeepestFirst(dir)) {
      try {
        rmdirSync(d);
      } catch {
        // busy (a process still inside) or gone; reported by the caller's check
      }
    }
  }
  return cgroupDirs(name);
}
