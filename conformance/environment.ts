// Everything one conformance run owns on the host, set up together and torn down together:
// a work dir under os.tmpdir(), the small root filesystem, the state tmpfs, the daemon, the
// image, our cgroup tree. `cleanup()` removes all of it in the order real-containerd.md
// found necessary and then checks that nothing is left; SIGINT/SIGTERM trigger it too.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerdDaemon, daemonPaths, type DaemonPaths } from "./daemon.ts";
import { mountPointsUnder, SmallDisk, type DiskKind } from "./disk.ts";
import { exec, run, sleep } from "./exec.ts";
import { cgroupDirs, isAlive, killPid, pidsInCgroups, processesMentioning, removeCgroups } from "./host.ts";
import { buildImageArchive } from "./oci-image.ts";

/**
 * "split-cri" (default): the CRI plugin's dir (status checkpoints, container and sandbox
 * dirs) is a second small fs inside the root, filled and freed together with it. That keeps
 * disk.fill's meaning (every write fails) even after containerd frees blocks elsewhere on
 * the root: on one exactly-full ext4, a task delete frees the task's work dir block and the
 * following status write fits into it. "single": one fs for the whole root, as in production.
 */
export type DiskLayout = "split-cri" | "single";

export interface CleanupReport {
  ms: number;
  /** Human-readable leftovers; empty when the host is clean. */
  leftovers: string[];
  steps: string[];
}

let imageArchive: Buffer | undefined; // built once per process: the bytes never change

export class RealEnvironment {
  readonly tag = randomBytes(4).toString("hex");
  readonly base: string;
  readonly paths: DaemonPaths;
  /** The small root fs, and with layout "split-cri" a second one under the CRI plugin's dir. */
  readonly disks: SmallDisk[];
  readonly layout: DiskLayout;
  readonly daemon: ContainerdDaemon;
  /** cgroupfs parent of every pod we run: `/<cgroupName>` in each hierarchy. */
  readonly cgroupName: string;
  private cleaned: Promise<CleanupReport> | undefined;
  /** Every daemon pid we ever started, to verify none survives. */
  private readonly daemonPids: number[] = [];

  /** containerd 1.6 puts shim sockets in /run/containerd/s whatever --state says. */
  private readonly shimDirsExisted = existsSync("/run/containerd/s") ? 2 : existsSync("/run/containerd") ? 1 : 0;

  constructor(opts: { diskMiB?: number; layout?: DiskLayout } = {}) {
    this.base = mkdtempSync(join(tmpdir(), "restart-sim-"));
    this.cgroupName = `restart-sim-${this.tag}`;
    const mnt = join(this.base, "mnt");
    this.paths = daemonPaths(this.base, mnt);
    this.layout = opts.layout ?? "split-cri";
    this.disks = [new SmallDisk(join(this.base, "disk.img"), mnt, opts.diskMiB ?? 100)];
    if (this.layout === "split-cri") {
      this.disks.push(new SmallDisk(join(this.base, "cri-disk.img"), join(this.paths.root, "io.containerd.grpc.v1.cri"), 16));
    }
    this.daemon = new ContainerdDaemon(this.paths);
    active.add(this);
    installSignalHandlers();
  }

  /** Small root fs + state tmpfs + first daemon start + image import. */
  async setup(prefer: DiskKind = "ext4-loop"): Promise<void> {
    for (const d of this.disks) await d.setup(prefer); // the CRI disk mounts inside the root
    mkdirSync(this.paths.state, { recursive: true });
    await run("mount", ["-t", "tmpfs", "-o", "size=64m,mode=0711", "tmpfs", this.paths.state]);
    for (const d of ["podlogs", "ctl"]) mkdirSync(join(this.base, d), { recursive: true });
    const started = await this.startDaemon();
    if (!started.ready) throw new Error(`containerd did not start on a fresh root: ${started.error}`);
    await this.importImage();
  }

  async startDaemon() {
    const r = await this.daemon.start();
    if (this.daemon.pid) this.daemonPids.push(this.daemon.pid);
    return r;
  }

  /** Imports the hand-built image into the k8s.io namespace, where CRI looks for it. */
  async importImage(): Promise<void> {
    imageArchive ??= buildImageArchive();
    const tar = join(this.base, "image.tar");
    writeFileSync(tar, imageArchive);
    await run("ctr", ["-a", this.paths.socket, "-n", "k8s.io", "images", "import", tar], 60_000);
    rmSync(tar);
  }

  /** disk.fill: every filesystem under containerd's root refuses writes (ENOSPC). */
  fillDisks(): void {
    for (const d of this.disks) d.fill();
  }

  async freeDisks(): Promise<void> {
    for (const d of this.disks) await d.free();
  }

  cleanup(): Promise<CleanupReport> {
    this.cleaned ??= this.doCleanup();
    return this.cleaned;
  }

  private async doCleanup(): Promise<CleanupReport> {
    const t0 = Date.now();
    const steps: string[] = [];
    const step = async (what: string, fn: () => Promise<unknown> | unknown) => {
      try {
        await fn();
        steps.push(what);
      } catch (err) {
        steps.push(`${what}: FAILED ${(err as Error).message}`);
      }
    };
    await step("stop containerd", () => this.daemon.stop());
    // The CRI-less daemon must be able to write its bolt db.
    await step("free disk", () => this.freeDisks());
    if (existsSync(join(this.paths.root, "io.containerd.metadata.v1.bolt"))) {
      await step("kill tasks via CRI-less containerd", () => this.killTasksWithoutCri());
    }
    await step("kill shims and container processes", () => this.killLeftoverProcesses());
    await step("unmount", () => this.unmountAll());
    await step("detach loop devices", async () => {
      for (const d of [...this.disks].reverse()) await d.teardown();
    });
    await step("remove cgroups", () => removeCgroups(this.cgroupName));
    await step("remove work dir", () => rmSync(this.base, { recursive: true, force: true }));
    // Only what we caused to exist, and only if empty (rmdir), so a system containerd's
    // sockets are never touched.
    if (this.shimDirsExisted < 2) await step("remove empty /run/containerd/s", () => rmdirIfEmpty("/run/containerd/s"));
    if (this.shimDirsExisted < 1) await step("remove empty /run/containerd", () => rmdirIfEmpty("/run/containerd"));
    active.delete(this);
    return { ms: Date.now() - t0, leftovers: await this.leftovers(), steps };
  }

  private async killTasksWithoutCri(): Promise<void> {
    const d = new ContainerdDaemon(this.paths, false);
    const r = await d.start();
    if (d.pid) this.daemonPids.push(d.pid);
    try {
      if (!r.ready) throw new Error(`CRI-less containerd did not start: ${r.error}`);
      const ctr = (...args: string[]) => exec("ctr", ["-a", this.paths.socket, "-n", "k8s.io", ...args], 30_000);
      const tasks = (await ctr("tasks", "ls", "-q")).stdout.split("\n").filter(Boolean);
      for (const t of tasks) await ctr("tasks", "kill", "-s", "SIGKILL", t);
      for (const t of tasks) await ctr("tasks", "delete", "-f", t);
      const containers = (await ctr("containers", "ls", "-q")).stdout.split("\n").filter(Boolean);
      for (const c of containers) await ctr("containers", "delete", c);
    } finally {
      await d.stop();
    }
  }

  /** Shims naming our socket, and anything still in our cgroups, get SIGKILL by PID. */
  private async killLeftoverProcesses(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      const pids = new Set<number>([
        ...processesMentioning(this.paths.socket).map((p) => p.pid),
        ...processesMentioning(this.base).map((p) => p.pid),
        ...pidsInCgroups(this.cgroupName),
      ]);
      pids.delete(process.pid);
      const live = [...pids].filter(isAlive);
      if (live.length === 0) return;
      for (const pid of live) killPid(pid, "SIGKILL");
      await sleep(100);
    }
  }

  private async unmountAll(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      const points = mountPointsUnder(this.base);
      if (points.length === 0) return;
      for (const p of points) {
        const r = await exec("umount", [p]);
        if (r.code !== 0) await exec("umount", ["-l", p]);
      }
    }
  }

  private async leftovers(): Promise<string[]> {
    const left: string[] = [];
    for (const pid of this.daemonPids) if (isAlive(pid)) left.push(`containerd pid ${pid} alive`);
    for (const p of processesMentioning(this.paths.socket)) left.push(`process ${p.pid} (${p.argv.join(" ")}) names our socket`);
    for (const pid of pidsInCgroups(this.cgroupName)) left.push(`pid ${pid} in our cgroup`);
    for (const d of cgroupDirs(this.cgroupName)) left.push(`cgroup ${d}`);
    for (const m of mountPointsUnder(this.base)) left.push(`mount ${m}`);
    const loops = await exec("losetup", ["-a"]);
    for (const l of loops.stdout.split("\n")) if (l.includes(this.base)) left.push(`loop device ${l}`);
    if (existsSync(this.base)) left.push(`work dir ${this.base}`);
    return left;
  }
}

// Runs that are set up and not yet cleaned, so a signal can clean them.
const active = new Set<RealEnvironment>();
let handlersInstalled = false;

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      process.stderr.write(`\nrestart-sim conformance: ${sig}, cleaning up ${active.size} run(s)...\n`);
      void Promise.allSettled([...active].map((e) => e.cleanup())).then(() => process.exit(sig === "SIGINT" ? 130 : 143));
    });
  }
}

function rmdirIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (someone else's shim) or already gone
  }
}
