// Everything one conformance run owns on the host, set up together and torn down together:
// a work dir under os.tmpdir(), the small root filesystem, the state tmpfs, the daemon, the
// image, our cgroup tree, and for containerd 1.7 a private mount namespace. Each thing is
// entered in the run's record (run-record.ts) as it is made. `cleanup()` removes all of it
// in the order real-containerd.md found necessary and then checks that nothing is left;
// SIGINT/SIGTERM trigger it too (interrupt.ts).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerdDaemon, daemonPaths, type DaemonPaths } from "./daemon.ts";
import { SmallDisk, type DiskKind } from "./disk.ts";
import { exec, run } from "./exec.ts";
import { runEnded, runStarted, throwIfInterrupted } from "./interrupt.ts";
import type { Containerd17 } from "./containerd-1.7.ts";
import { RunContainerdNamespace } from "./mount-namespace.ts";
import { buildImageArchive } from "./oci-image.ts";
import { basePrefix, RunRecord } from "./run-record.ts";
import { leftoversOf, removeRun, stepInto } from "./teardown.ts";

/**
 * "split-cri" (default): the CRI plugin's dir (status checkpoints, container and sandbox
 * dirs) is a second small fs inside the root, filled and freed together with it. That keeps
 * disk.fill's meaning (every write fails) even after containerd frees blocks elsewhere on
 * the root: on one exactly-full ext4, a task delete frees the task's work dir block and the
 * following status write fits into it. "single": one fs for the whole root, as in production.
 */
export type DiskLayout = "split-cri" | "single";

export interface EnvironmentOptions {
  diskMiB?: number;
  layout?: DiskLayout;
  /** The containerd binary to run (a name on PATH or a path); default "containerd". */
  containerd?: string;
  /**
   * Run containerd 1.7 from Debian trixie instead (containerd-1.7.ts): its own shim and ctr,
   * bookworm's runc, and every daemon of the run in one private mount namespace.
   */
  containerd17?: Containerd17;
}

/** bookworm's runc: trixie's needs a newer glibc than bookworm has (containerd-1.7.md). */
const hostRunc = "/usr/sbin/runc";

export interface CleanupReport {
  ms: number;
  /** Human-readable leftovers; empty when the host is clean. */
  leftovers: string[];
  steps: string[];
}

let imageArchive: Promise<Buffer> | undefined; // built once per process: the bytes never change

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
  readonly record: RunRecord;
  private cleaned: Promise<CleanupReport> | undefined;
  /** Set up steps under way: cleanup waits for them, so nothing is made behind its back. */
  private readonly pending = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private readonly binary: string | undefined;
  private readonly containerd17: Containerd17 | undefined;
  /** containerd 1.7's: made in setup, entered by every daemon start, gone with the run's processes. */
  private namespace: RunContainerdNamespace | undefined;

  constructor(opts: EnvironmentOptions = {}) {
    throwIfInterrupted();
    this.base = mkdtempSync(join(tmpdir(), basePrefix));
    this.cgroupName = `restart-sim-${this.tag}`;
    const mnt = join(this.base, "mnt");
    this.paths = daemonPaths(this.base, mnt);
    try {
      this.record = RunRecord.create({
        base: this.base,
        socket: this.paths.socket,
        state: this.paths.state,
        cgroupName: this.cgroupName,
        // containerd 1.6 puts shim sockets in /run/containerd/s whatever --state says.
        outsideDirs: ["/run/containerd/s", "/run/containerd"].filter((d) => !existsSync(d)),
      });
    } catch (err) {
      rmSync(this.base, { recursive: true, force: true });
      throw err;
    }
    runStarted(this);
    this.layout = opts.layout ?? "split-cri";
    this.disks = [new SmallDisk(join(this.base, "disk.img"), mnt, opts.diskMiB ?? 100, this.record)];
    if (this.layout === "split-cri") {
      this.disks.push(new SmallDisk(join(this.base, "cri-disk.img"), join(this.paths.root, "io.containerd.grpc.v1.cri"), 16, this.record));
    }
    this.containerd17 = opts.containerd17;
    this.binary = opts.containerd17?.containerd ?? opts.containerd;
    this.daemon = this.newDaemon(true);
  }

  private newDaemon(cri: boolean): ContainerdDaemon {
    return new ContainerdDaemon(this.paths, {
      cri,
      ...(this.binary ? { binary: this.binary } : {}),
      ...(this.containerd17
        ? { binDir: this.containerd17.binDir, ctr: this.ctr, runc: hostRunc, wrap: (file: string, args: string[]) => this.inNamespace(file, args) }
        : {}),
      onSpawn: (pid) => this.record.daemon(pid),
      // The CRI-less daemon is cleanup's own: an interrupt must not stop it waiting.
      ...(cri ? { abort: this.abort.signal } : {}),
    });
  }

  /** ctr of the daemon's release. */
  private get ctr(): string {
    return this.containerd17?.ctr ?? "ctr";
  }

  private inNamespace(file: string, args: string[]): { file: string; args: string[] } {
    if (!this.namespace) throw new Error("containerd 1.7 started before the run's mount namespace was made");
    return this.namespace.wrap(file, args);
  }

  /** Runs a step that makes things on the host; nothing starts after an interrupt. */
  private guarded<T>(fn: () => Promise<T>): Promise<T> {
    throwIfInterrupted();
    const p = fn();
    this.pending.add(p);
    const settle = () => this.pending.delete(p);
    p.then(settle, settle);
    return p;
  }

  /** Small root fs + state tmpfs + first daemon start + image import. */
  setup(prefer: DiskKind = "ext4-loop"): Promise<void> {
    return this.guarded(async () => {
      for (const d of this.disks) {
        throwIfInterrupted();
        await d.setup(prefer); // the CRI disk mounts inside the root
      }
      throwIfInterrupted();
      mkdirSync(this.paths.state, { recursive: true });
      this.record.mount(this.paths.state);
      await run("mount", ["-t", "tmpfs", "-o", "size=64m,mode=0711", "tmpfs", this.paths.state]);
      for (const d of ["podlogs", "ctl"]) mkdirSync(join(this.base, d), { recursive: true });
      // After every mount of the run: the namespace is a copy of the mount table as it is now.
      // Its holder is recorded like a daemon, so a killed run's cleanup kills it by pid.
      if (this.containerd17) this.namespace = await RunContainerdNamespace.create(this.base, (pid) => this.record.daemon(pid));
      const started = await this.startDaemon();
      if (!started.ready) throw new Error(`containerd did not start on a fresh root: ${started.error}`);
      await this.importImage();
    });
  }

  startDaemon() {
    return this.guarded(() => this.daemon.start());
  }

  /** Imports the hand-built image into the k8s.io namespace, where CRI looks for it. */
  importImage(): Promise<void> {
    return this.guarded(async () => {
      imageArchive ??= buildImageArchive();
      const tar = join(this.base, "image.tar");
      writeFileSync(tar, await imageArchive);
      await run(this.ctr, ["-a", this.paths.socket, "-n", "k8s.io", "images", "import", tar], 60_000);
      rmSync(tar);
    });
  }

  /** disk.fill: every filesystem under containerd's root refuses writes (ENOSPC). */
  fillDisks(): Promise<void> {
    return this.guarded(async () => {
      for (const d of this.disks) await d.fill();
    });
  }

  /**
   * disk.room: every filesystem full but for the given free blocks (disk-room.ts): the root's
   * under "single"; the root's and the CRI dir's under "split-cri".
   */
  leaveFree(free: { root: number; cri: number }): Promise<void> {
    return this.guarded(async () => {
      const [root, cri] = this.disks;
      await root!.leaveFree(free.root);
      if (cri) await cri.leaveFree(free.cri);
    });
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
    this.abort.abort();
    await Promise.allSettled([...this.pending]);
    const steps: string[] = [];
    const step = stepInto(steps);
    await step("stop containerd", async () => void (await this.daemon.stop()));
    // The CRI-less daemon must be able to write its bolt db.
    await step("free disk", () => this.freeDisks());
    if (existsSync(join(this.paths.root, "io.containerd.metadata.v1.bolt"))) {
      await step("kill tasks via CRI-less containerd", () => this.killTasksWithoutCri());
    }
    await removeRun(this.record.data, step);
    runEnded(this);
    return { ms: Date.now() - t0, leftovers: await leftoversOf(this.record.data), steps };
  }

  private async killTasksWithoutCri(): Promise<void> {
    const d = this.newDaemon(false);
    const r = await d.start();
    try {
      if (!r.ready) throw new Error(`CRI-less containerd did not start: ${r.error}`);
      const ctr = (...args: string[]) => exec(this.ctr, ["-a", this.paths.socket, "-n", "k8s.io", ...args], 30_000);
      const tasks = (await ctr("tasks", "ls", "-q")).stdout.split("\n").filter(Boolean);
      for (const t of tasks) await ctr("tasks", "kill", "-s", "SIGKILL", t);
      for (const t of tasks) await ctr("tasks", "delete", "-f", t);
      const containers = (await ctr("containers", "ls", "-q")).stdout.split("\n").filter(Boolean);
      for (const c of containers) await ctr("containers", "delete", c);
    } finally {
      await d.stop();
    }
  }
}
