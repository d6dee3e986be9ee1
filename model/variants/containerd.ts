// containerd variants under review: data plus small policy values. The CRI model asks these
// questions at its few decision points (cri/status-store.ts, cri/exit-handler.ts,
// cri/recover.ts) and never tests a variant's name.

/** A containerd variant. `ContainerdVariant<string>` checks one before it joins the list below; elsewhere its name is one of the list's. */
export interface ContainerdVariant<Name extends string = ContainerdVariantName> {
  name: Name;
  /** One sentence: what the variant changes, in containerd's terms. */
  summary: string;
  /**
   * Where a container's CRI status is persisted: the `status` checkpoint file, rewritten by
   * recover() for every container (upstream), or the container's metadata record in bolt,
   * which recovery writes only when the status it rebuilt differs (#11504 long-term), or a
   * `status` file preallocated with the container's root dir and from then on written in place
   * into the older of its two slots (sequence number and checksum), so that no status write
   * after CreateContainer needs a new block (ours, store/container/status.go).
   */
  statusStore: "checkpoint-file" | "metadata-record" | "preallocated-file";
  /**
   * The status rewrite of a container while recover() loads it failed
   * (restart.go:loadContainer -> containerstore.NewContainer -> WithStatus -> StoreStatus).
   * "skip": the container is dropped from the CRI store (upstream); "keep": it is loaded
   * with the recovered status held in memory only (#11504 short-term).
   */
  onRecoveryStatusWriteError: "skip" | "keep";
  /**
   * A status write outside recovery failed (StoreStatus at create, UpdateSync at start and
   * exit). "fail": the operation fails and memory keeps the old status (upstream); "keep":
   * the new status is kept in memory and the operation goes on (commit 7d1bc2355).
   */
  onRuntimeStatusWriteError: "fail" | "keep";
  /**
   * When the shim's stopped task, the only other record of an exit code, is deleted: before
   * the exit is stored (upstream: handleContainerExit and loadContainer delete first), or
   * only once the status that records the exit is stored.
   */
  deleteStoppedTask: "before-status-stored" | "after-status-stored";
  /**
   * recover() finds a container's task stopped (restart.go:loadContainer, case
   * containerd.Stopped): "always" overwrites the stored FinishedAt and exit code with the
   * task's (upstream); "if-not-finished" keeps an exit already stored, as
   * events.go:handleContainerExit does ("if status.FinishedAt == 0").
   */
  recoverExitFromStoppedTask: "always" | "if-not-finished";
  /**
   * An exit whose status write failed (handleContainerExit's UpdateSync, or recovery's rewrite of
   * an exit it read from a stopped task): "none" keeps it in memory only (upstream, short-term);
   * "metadata-record" also writes it into the container's metadata record in bolt, after the
   * task delete as upstream orders them, so the next recovery reads it from there (ours, the
   * third design of issue 17).
   */
  exitCopy: "none" | "metadata-record";
  /** When time passes, statuses held only in memory are written again until one succeeds. */
  rewriteMemoryOnlyStatus: boolean;
  /**
   * A CreateContainer or RunPodSandbox finds its name reserved by a call still in flight for
   * the very same request (the kubelet's retry after its deadline). "fail": "name is
   * reserved" (upstream, container_create.go); "join": wait for the call in flight and return
   * its result.
   */
  onNameHeldBySameCall: "fail" | "join";
  /**
   * The caller of a create still in flight gave up (its gRPC context is canceled at the
   * deadline). "keep-name": the call goes on holding the name (upstream); "release-name": the
   * name is released at once (ReleaseByKey, so a retry's new reservation is never touched) and
   * the call's late work is rolled back instead of committed.
   */
  onCallerGone: "keep-name" | "release-name";
}

const upstream = {
  statusStore: "checkpoint-file",
  onRecoveryStatusWriteError: "skip",
  onRuntimeStatusWriteError: "fail",
  deleteStoppedTask: "before-status-stored",
  recoverExitFromStoppedTask: "always",
  exitCopy: "none",
  rewriteMemoryOnlyStatus: false,
  onNameHeldBySameCall: "fail",
  onCallerGone: "keep-name",
} as const;

export const baseline = {
  ...upstream,
  name: "baseline",
  summary: "upstream main today: a status rewrite that fails at recovery skips the container",
} as const satisfies ContainerdVariant<string>;

export const shortTerm = {
  ...upstream,
  name: "short-term",
  summary: "#11504 short-term (WithStatusWhenRestart): ENOSPC while storing status during recovery is logged and ignored",
  onRecoveryStatusWriteError: "keep",
} as const satisfies ContainerdVariant<string>;

export const enospcEverywhere = {
  ...upstream,
  name: "enospc-everywhere",
  summary: "commit 7d1bc2355 (PR #11458): StoreStatus and UpdateSync ignore ENOSPC everywhere and keep the new status in memory",
  onRecoveryStatusWriteError: "keep",
  onRuntimeStatusWriteError: "keep",
} as const satisfies ContainerdVariant<string>;

export const longTerm = {
  ...upstream,
  name: "long-term",
  summary:
    "#11504 long-term: the status lives in the container's metadata record; recovery writes it only when it changed and never skips a container",
  statusStore: "metadata-record",
  onRecoveryStatusWriteError: "keep",
} as const satisfies ContainerdVariant<string>;

export const keepTaskUntilStored = {
  ...upstream,
  name: "keep-task-until-stored",
  summary:
    "ours: recovery never skips (memory-only status on a failed write), a stopped task is deleted only once its exit is stored, and memory-only statuses are rewritten when time passes",
  onRecoveryStatusWriteError: "keep",
  deleteStoppedTask: "after-status-stored",
  rewriteMemoryOnlyStatus: true,
} as const satisfies ContainerdVariant<string>;

export const joinInFlightCreate = {
  ...upstream,
  name: "join-in-flight-create",
  summary: "for slow calls (#4604): a retry with the same name and the same request waits for the call in flight instead of failing with \"name is reserved\"",
  onNameHeldBySameCall: "join",
} as const satisfies ContainerdVariant<string>;

export const releaseNameOnCancel = {
  ...upstream,
  name: "release-name-on-cancel",
  summary:
    "ours, for slow calls: when the caller of a create in flight gives up, its name is released at once and the call's late work is rolled back, so the kubelet's retry gets the name",
  onCallerGone: "release-name",
} as const satisfies ContainerdVariant<string>;

export const keepTaskReleaseName = {
  ...keepTaskUntilStored,
  name: "keep-task-release-name",
  summary: "ours, both fixes together: keep-task-until-stored for full disks and release-name-on-cancel for slow calls",
  onCallerGone: "release-name",
} as const satisfies ContainerdVariant<string>;

export const preallocatedStatus = {
  ...upstream,
  name: "preallocated-status",
  summary:
    "ours: the status file is preallocated with the container's root dir and then written in place into the older of two slots (sequence number, checksum), so no status write after CreateContainer needs a new block; recovery keeps an exit already stored over a stopped task's",
  statusStore: "preallocated-file",
  recoverExitFromStoppedTask: "if-not-finished",
} as const satisfies ContainerdVariant<string>;

export const exitInRecord = {
  ...upstream,
  name: "exit-in-record",
  summary:
    "ours, for comparison: recovery never skips (as short-term), an exit whose status write fails is kept in the container's metadata record after its task delete, and recovery reads it from there and keeps an exit already stored over a stopped task's",
  onRecoveryStatusWriteError: "keep",
  recoverExitFromStoppedTask: "if-not-finished",
  exitCopy: "metadata-record",
} as const satisfies ContainerdVariant<string>;

export const preallocatedStatusReleaseName = {
  ...preallocatedStatus,
  name: "preallocated-status-release-name",
  summary: "ours, both fixes together: preallocated-status for full disks and release-name-on-cancel for slow calls",
  onCallerGone: "release-name",
} as const satisfies ContainerdVariant<string>;

// `as const` keeps each name a literal, so the names are a union the compiler checks (the verdict
// table has one row per name); `satisfies` checks every variant without widening it.
export const containerdVariants = [
  baseline,
  shortTerm,
  enospcEverywhere,
  longTerm,
  keepTaskUntilStored,
  joinInFlightCreate,
  releaseNameOnCancel,
  keepTaskReleaseName,
  preallocatedStatus,
  exitInRecord,
  preallocatedStatusReleaseName,
] as const satisfies readonly ContainerdVariant<string>[];

export type ContainerdVariantName = (typeof containerdVariants)[number]["name"];
