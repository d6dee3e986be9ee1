// The small filesystem under containerd's root, which traces fill and free. A loop-mounted
// ext4 made with `-m 0` (containerd runs as root and would otherwise eat the reserved
// blocks); where loop devices are missing, a size-limited tmpfs (there a mkdir needs no
// block and blocks are pages, so some writes fail later than on ext4: real-containerd.md, "--fs tmpfs").
import { mkdirSync, readdirSync, readFileSync, statfsSync, statSync, truncateSync, unlinkSync } from "node:fs";
import { open, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { exec, run } from "./exec.ts";
import { throwIfInterrupted } from "./interrupt.ts";
import { splitDisk } from "../model/disk.ts";

/**
 * The ext4 block size, given to mkfs explicitly: the model's (model/disk.ts, config.disk.blockBytes),
 * so a block the model counts is a block of the real filesystem. mke2fs would pick 1 KiB for
 * these small images anyway (mke2fs.conf "small"), but only by its configuration's say-so.
 */
export const harnessBlockBytes = splitDisk.blockBytes;

export type DiskKind = "ext4-loop" | "tmpfs";

/** Where a disk reports what it makes on the host (run-record.ts), so a killed run can be cleaned. */
export interface HostChanges {
  mount(path: string): void;
  loopImage(image: string): void;
  loopDevice(device: string): void;
}

export class SmallDisk {
  kind: DiskKind | undefined;
  loopDevice: string | undefined;
  mounted = false;
  private fillers = 0;

  constructor(
    readonly image: string, // backing file of the loop device
    readonly mountPoint: string,
    readonly sizeMiB: number,
    private readonly changes: HostChanges,
  ) {}

  async setup(prefer: DiskKind = "ext4-loop"): Promise<void> {
    mkdirSync(this.mountPoint, { recursive: true });
    this.changes.mount(this.mountPoint);
    if (prefer === "ext4-loop") {
      try {
        await run("truncate", ["-s", `${this.sizeMiB}M`, this.image]);
        await run("mkfs.ext4", ["-q", "-F", "-m", "0", "-b", String(harnessBlockBytes), this.image]);
        this.changes.loopImage(this.image);
        this.loopDevice = (await run("losetup", ["-f", "--show", this.image])).trim();
        this.changes.loopDevice(this.loopDevice);
        await run("mount", ["-t", "ext4", this.loopDevice, this.mountPoint]);
        this.mounted = true;
        this.kind = "ext4-loop";
        return;
      } catch (err) {
        // No loop device (container CI, missing module): fall back, but not silently.
        await this.teardown();
        throwIfInterrupted(); // a tool killed by Ctrl-C is no missing loop device
        process.stderr.write(`restart-sim conformance: loop ext4 unavailable (${(err as Error).message}); using tmpfs\n`);
      }
    }
    await run("mount", ["-t", "tmpfs", "-o", `size=${this.sizeMiB}m,mode=0755`, "tmpfs", this.mountPoint]);
    this.mounted = true;
    this.kind = "tmpfs";
  }

  /**
   * Writes filler files until the filesystem refuses even one more byte (ENOSPC). The writes
   * are asynchronous so that a signal is handled at once (under `tsx`, whose parent process
   * SIGKILLs a child that does not answer a relayed signal within tens of milliseconds).
   */
  async fill(): Promise<void> {
    // Shrinking chunk sizes, like the reference's dd 1M / 4k / 1k: ext4 here has 1 KiB
    // blocks, so big writes stop with some blocks left over.
    const chunks = [1 << 20, 64 << 10, 4 << 10, 1 << 10, 256, 1];
    for (let round = 0; round < 8; round++) {
      throwIfInterrupted();
      // Unmounted (cleaned up under our feet), the writes would fill the host's disk instead.
      if (!isMountPoint(this.mountPoint)) throw new Error(`${this.mountPoint} is not mounted: refusing to fill it`);
      const file = await open(join(this.mountPoint, `restart-sim-filler-${this.fillers++}`), "w");
      try {
        for (const size of chunks) {
          const buf = Buffer.alloc(size, 0x5a);
          for (;;) {
            throwIfInterrupted();
            try {
              await file.write(buf);
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code === "ENOSPC") break;
              throw err;
            }
          }
        }
        await file.sync().catch((err: NodeJS.ErrnoException) => {
          if (err.code !== "ENOSPC") throw err;
        });
      } finally {
        await file.close();
      }
      if (await this.isFull()) return;
    }
    throw new Error(`could not fill ${this.mountPoint} to ENOSPC`);
  }

  /**
   * disk.room: the filesystem full but for exactly `blocks` free blocks, as statfs counts
   * them for containerd (f_bavail: root may not take ext4's reserved clusters either). Fills,
   * then shortens the biggest filler by the missing blocks (a truncate frees exactly the data
   * blocks cut off; its extents sit in the inode) and appends when too many came free,
   * syncing and measuring after each step until the count is exact.
   */
  async leaveFree(blocks: number): Promise<void> {
    if (this.kind !== "ext4-loop") throw new Error(`disk.room needs the ext4 loop filesystem (block counts), not ${this.kind}`);
    await this.fill();
    for (let round = 0; round < 16; round++) {
      throwIfInterrupted();
      await exec("sync", ["-f", this.mountPoint]);
      const { bavail, bsize } = statfsSync(this.mountPoint);
      if (bavail === blocks) return;
      if (bavail < blocks) {
        const fillers = readdirSync(this.mountPoint).filter((f) => f.startsWith("restart-sim-filler-")).map((f) => join(this.mountPoint, f));
        const biggest = fillers.map((f) => ({ f, size: statSync(f).size })).sort((a, b) => b.size - a.size)[0];
        const cut = (blocks - bavail) * bsize;
        if (!biggest || biggest.size < cut) throw new Error(`cannot free ${blocks} blocks on ${this.mountPoint}: fillers too small`);
        truncateSync(biggest.f, biggest.size - cut);
      } else {
        const file = await open(join(this.mountPoint, `restart-sim-filler-${this.fillers++}`), "w");
        try {
          await file.write(Buffer.alloc((bavail - blocks) * bsize, 0x5a));
          await file.sync();
        } finally {
          await file.close();
        }
      }
    }
    throw new Error(`could not leave exactly ${blocks} free blocks on ${this.mountPoint}`);
  }

  /** True when a one-byte write + fsync of a new file fails with ENOSPC. */
  async isFull(): Promise<boolean> {
    const probe = join(this.mountPoint, "restart-sim-probe");
    let file: FileHandle | undefined;
    try {
      file = await open(probe, "w");
      await file.write("x");
      await file.sync();
      return false;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOSPC") return true;
      throw err;
    } finally {
      await file?.close();
      await rm(probe, { force: true });
    }
  }

  /** Deletes the fillers and syncs, so the freed blocks are really reusable. */
  async free(): Promise<void> {
    if (!this.mounted) return;
    for (const f of readdirSync(this.mountPoint)) {
      if (f.startsWith("restart-sim-filler-")) unlinkSync(join(this.mountPoint, f));
    }
    await exec("sync", ["-f", this.mountPoint]);
  }

  async teardown(): Promise<void> {
    if (this.mounted || isMountPoint(this.mountPoint)) {
      const r = await exec("umount", [this.mountPoint]);
      if (r.code !== 0) await exec("umount", ["-l", this.mountPoint]);
      this.mounted = false;
    }
    if (this.loopDevice) {
      await exec("losetup", ["-d", this.loopDevice]);
      this.loopDevice = undefined;
    }
  }
}

export function isMountPoint(path: string): boolean {
  return mountPointsUnder(path).includes(path);
}

/** Mount points at or below `dir` from /proc/self/mountinfo, deepest first. */
export function mountPointsUnder(dir: string): string[] {
  let info = "";
  try {
    info = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  const points = info
    .split("\n")
    .map((l) => l.split(" ")[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\040/g, " "))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}
