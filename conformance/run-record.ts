// What one conformance run made on the host, written as a file inside its base dir each time
// it makes something, so that a later run can clean up after it if it was killed (SIGKILL,
// an out-of-memory kill, a CI timeout) before its own cleanup ran.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { processId, type ProcessId } from "./host.ts";

/** Every run's base dir is `<tmpdir>/<basePrefix>XXXXXX`. */
export const basePrefix = "restart-sim-conformance-";
export const recordName = "restart-sim-run.json";

export interface RunRecordData {
  /** The harness process that owns the base; while it lives, nobody else cleans the base. */
  owner: ProcessId;
  base: string;
  /** containerd's socket: shims name it on their command line. */
  socket: string;
  /** containerd's state dir: each task's bundle there names its shim's socket. */
  state: string;
  /** `/<cgroupName>` in every hierarchy is the cgroup parent of every pod the run made. */
  cgroupName: string;
  /** Directories outside the base that did not exist before the run and it may create. */
  outsideDirs: string[];
  /** Every containerd the run started, recorded as soon as it is spawned. */
  daemons: ProcessId[];
  /** Recorded before mounting, so a kill during `mount` leaves nothing unrecorded. */
  mounts: string[];
  /** Backing files are recorded before `losetup`, so a kill during it leaves nothing unrecorded. */
  loopImages: string[];
  /**
   * Devices, recorded after `losetup`, for whoever reads the record. Cleanup detaches a device
   * only while its backing file is one of ours: once detached, a device name may be reused.
   */
  loopDevices: string[];
}

export class RunRecord {
  private constructor(readonly data: RunRecordData) {}

  /** Starts the record of a run whose base dir was just made. */
  static create(fields: Omit<RunRecordData, "owner" | "daemons" | "mounts" | "loopImages" | "loopDevices">): RunRecord {
    const owner = processId(process.pid);
    if (!owner) throw new Error("cannot read /proc/self/stat: the run could not be told apart from a later process with the same pid");
    const r = new RunRecord({ owner, ...fields, daemons: [], mounts: [], loopImages: [], loopDevices: [] });
    r.write();
    return r;
  }

  /** The record in `base`, or undefined when there is none (or it cannot be read). */
  static read(base: string): RunRecordData | undefined {
    try {
      return JSON.parse(readFileSync(join(base, recordName), "utf8")) as RunRecordData;
    } catch {
      return undefined;
    }
  }

  daemon(pid: number): void {
    // A daemon that died at once has no start time left to read; its pid is not worth keeping.
    const id = processId(pid);
    if (id) this.add("daemons", id);
  }

  mount(path: string): void {
    this.add("mounts", path);
  }

  loopImage(image: string): void {
    this.add("loopImages", image);
  }

  loopDevice(device: string): void {
    this.add("loopDevices", device);
  }

  private add<K extends "daemons" | "mounts" | "loopImages" | "loopDevices">(key: K, item: RunRecordData[K][number]): void {
    (this.data[key] as RunRecordData[K][number][]).push(item);
    this.write();
  }

  /** Write then rename: a kill in the middle never leaves half a record. */
  private write(): void {
    const path = join(this.data.base, recordName);
    writeFileSync(`${path}.tmp`, `${JSON.stringify(this.data, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }
}
