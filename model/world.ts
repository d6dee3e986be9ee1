// The whole simulated node as one plain, JSON-serialisable value (design.md, "Parts").
// Every part keeps exactly what the real component keeps; nothing here is derived.
import type { RestartPolicy } from "./events.ts";
import type { Status } from "./status.ts";
import type { Freelist, FsName, ParentDir } from "./disk.ts";
import type { CrashCall } from "./cri/crash.ts";

/** The filesystems under containerd's root (the persistent disk, disk.ts). Survive restarts. */
export interface Disk {
  /** disk.room's budget: writes that will still succeed, whatever their size; null: no budget. */
  room: number | null;
  /**
   * Free blocks of each filesystem; null: plenty (not counted). Under the "shared" layout the
   * CRI plugin's dir is on the root filesystem and "cri" stays null.
   */
  free: Record<FsName, number | null>;
  /** <root>/io.containerd.grpc.v1.cri/containers/<id>/status, by container id (store/container/status.go). */
  checkpoints: Record<string, Status>;
  /** Sandbox ids whose root dir <root>/io.containerd.grpc.v1.cri/sandboxes/<id> exists. */
  sandboxDirs: string[];
  /** Whether a bolt commit that rewrites a record finds freed pages in meta.db (disk.ts: Freelist). */
  freelist: Freelist;
  /** The directories the first sandbox, container or task made under the root; they stay (disk.ts: parentDirs). */
  made: ParentDir[];
  /** Whether a container's or sandbox's record was ever committed to meta.db (disk.ts: boltRecordAdd). */
  recordsAdded: boolean;
  /** Snapshots no record references any more, whose dirs wait for the garbage collector (disk.ts: collectGarbage). */
  collectable: number;
}

/** containerd's bolt database: container records with their CRI metadata extension. Survives restarts. */
export interface ContainerRecord {
  id: string;
  /** The CRI-internal name, key of the name registrar (helpers.go:makeContainerName). */
  name: string;
  sandboxId: string;
  pod: string;
  /** ContainerMetadata.Name and .Attempt as the kubelet sent them. */
  containerName: string;
  attempt: number;
  /** The containerd record's creation time; also the default load order at recovery. */
  createdAt: number;
  /** Only under a variant that keeps the status in the metadata record (#11504 long-term). */
  status?: Status;
}

export interface SandboxRecord {
  id: string;
  name: string;
  pod: string;
  attempt: number;
  createdAt: number;
}

export interface Metadata {
  containers: Record<string, ContainerRecord>;
  sandboxes: Record<string, SandboxRecord>;
}

/** A task in the shim (core/runtime/v2): survives containerd restarts until deleted. */
export interface Task {
  status: "created" | "running" | "stopped";
  exitCode: number | null;
  exitedAt: number;
}

/** Ground truth about a container's main process, which no CRI call can change by itself. */
export interface Process {
  state: "running" | "exited";
  exitCode: number | null;
}

export interface Shim {
  /** By container or sandbox id. A sandbox's task is its pause container. */
  tasks: Record<string, Task>;
  /** By container id, from the first start on. */
  processes: Record<string, Process>;
}

/** A container in the CRI plugin's containerStore (internal/cri/store/container). */
export interface CriContainer {
  id: string;
  status: Status;
  /** Status.Unknown: set when the task could not be inspected at recovery; never persisted. */
  unknown: boolean;
  /** An exit monitor waits on the task (events.go:startContainerExitMonitor). */
  exitMonitor: boolean;
  /**
   * A failed start closed the container's IO, which removes its FIFO dir (container.go:NewTask's
   * deferred Close, task.go:Delete; cio/io_unix.go:NewFIFOSetInDir's closer RemoveAll), so no
   * later start can open them. Memory only: recovery makes new FIFOs (restart.go:loadContainer),
   * except for a container whose Created task it deletes with the IO on that task's FIFOs.
   */
  ioClosed?: true;
}

export type SandboxState = "READY" | "NOTREADY" | "UNKNOWN";

export interface CriSandbox {
  id: string;
  state: SandboxState;
}

/** A TaskExit that failed to be handled, waiting in the event monitor's back-off queue. */
export interface BackoffEntry {
  id: string;
  exitCode: number;
  exitedAt: number;
  /** Logical seconds at which the next retry runs, and the delay after that one. */
  due: number;
  delay: number;
}

/** The CRI plugin's memory: lost when containerd stops, rebuilt by recover(). */
export interface Cri {
  phase: "up" | "down" | "failed";
  /** The error that made the last start fail ("failed to recover state: ..."). */
  error: string | null;
  containers: Record<string, CriContainer>;
  sandboxes: Record<string, CriSandbox>;
  /** containerNameIndex and sandboxNameIndex (internal/registrar): name -> id. */
  containerNames: Record<string, string>;
  sandboxNames: Record<string, string>;
  backoff: BackoffEntry[];
  /** CreateContainer / RunPodSandbox calls that reserved their name and wait on the storage. */
  inFlight: InFlightCall[];
}

/** A create call still running inside containerd: it holds its name until it ends. */
export interface InFlightCall {
  /** The id the call will create (containerd generated it before reserving the name). */
  id: string;
  kind: "createContainer" | "runPodSandbox";
  /** The CRI-internal name it reserved. */
  name: string;
  /** The request, to finish the call with, and for a retry to recognise it. */
  sandboxId: string;
  pod: string;
  containerName: string;
  attempt: number;
  /** Logical seconds when it began. */
  since: number;
  /** Logical second at which its caller's context passes its deadline and is canceled. */
  deadline: number;
  /** It will never return (blocked for good); only a containerd restart ends it. */
  stuck: boolean;
  /** Its caller gave up and the variant released its name: its late work is rolled back. */
  canceled: boolean;
}

/**
 * Storage that does not answer (a snapshotter, a volume mount: containerd #4604, #13867, #10828),
 * for the create calls it covers: every one, one pod's (a dead hostPath of that pod), and only
 * the next `calls` of them (one slow snapshot) or all until it answers again.
 */
export interface Hang {
  pod: string | null;
  /** How many more calls it holds; null: every call until storage.resume. */
  calls: number | null;
}

/** A shim operation that fails the next time containerd asks for it (the failpoint shim of containerd's tests). */
export type ShimOp = "start" | "delete";

/**
 * Faults armed by a trace that wait for the step they hit. They are not part of containerd, so
 * they survive its restarts, as a test hook's failpoint or a dead mount does.
 */
export interface Faults {
  /** containerd dies when a call next reaches this point (model/cri/crash.ts). */
  crash: { call: CrashCall; at: string } | null;
  hangs: Hang[];
  /** Each fails once, in the order armed. */
  shim: ShimOp[];
}

export interface Pod {
  name: string;
  containers: string[];
  restartPolicy: RestartPolicy;
  /** Deleted through the API: the kubelet kills it and GC removes what is left. */
  deleted: boolean;
}

export interface Kubelet {
  pods: Record<string, Pod>;
  /** <podLogsDir>/<ns>_<pod>_<uid>/<container>/N.log files that exist, by pod then container name. */
  logs: Record<string, Record<string, number[]>>;
  /** A pod worker blocked on a CRI call: which call, and when its deadline passes (logical seconds). */
  waiting: Record<string, { call: string; container: string | null; attempt: number; deadline: number }>;
  /** By "pod/container": the last CreateContainer failed with "name is reserved" for this holder. */
  refused: Record<string, { name: string; holder: string }>;
  /** By "pod/container": the attempt whose CreateContainer passed the kubelet's deadline. */
  timedOut: Record<string, number>;
}

export interface World {
  disk: Disk;
  metadata: Metadata;
  shim: Shim;
  cri: Cri;
  kubelet: Kubelet;
  faults: Faults;
  /** Logical time: `stamp` orders timestamps (CreatedAt, FinishedAt...); `seconds` drives back-off. */
  clock: { stamp: number; seconds: number };
  /** Counter for ids the kubelet's calls get (containerd generates them in reality). */
  nextId: number;
}

export function initialWorld(): World {
  return {
    disk: { room: null, free: { root: null, cri: null }, checkpoints: {}, sandboxDirs: [], freelist: "grow", made: [], recordsAdded: false, collectable: 0 },
    metadata: { containers: {}, sandboxes: {} },
    shim: { tasks: {}, processes: {} },
    cri: emptyCri("up"),
    kubelet: { pods: {}, logs: {}, waiting: {}, refused: {}, timedOut: {} },
    faults: { crash: null, hangs: [], shim: [] },
    clock: { stamp: 0, seconds: 0 },
    nextId: 1,
  };
}

/** The CRI plugin's memory as a start (or a stop) leaves it: nothing in it. */
export function emptyCri(phase: Cri["phase"], error: string | null = null): Cri {
  return { phase, error, containers: {}, sandboxes: {}, containerNames: {}, sandboxNames: {}, backoff: [], inFlight: [] };
}

/** time.Now() for the model: a strictly increasing logical timestamp. */
export function now(w: World): number {
  w.clock.stamp += 1;
  return w.clock.stamp;
}
