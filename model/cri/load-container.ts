// The recovered status of one container: restart.go:loadContainer as a pure function of the
// checkpoint and the task (reference section 3, the whole table). Side effects (deleting
// the task, starting an exit monitor, the status rewrite) are returned, not performed.
import type { TaskLookup } from "../shim.ts";
import { stateOf, unknownContainerStatus, unknownExitCode, unknownExitReason, type Status } from "../status.ts";

/** What Task(), Status() and Wait() can answer at load; the last two the model's shim never produces. */
export type RecoveryTask = TaskLookup | { kind: "runningWaitNotFound" } | { kind: "error" };

export interface Recovered {
  status: Status;
  unknown: boolean;
  /** task.Delete(WithProcessKill) was called (Created and Stopped tasks). */
  deleteTask: boolean;
  /** An exit monitor waits on the running task. */
  exitMonitor: boolean;
  /** The container's IO is the deleted Created task's, whose FIFOs the delete removed (world.ts: ioClosed). */
  ioClosed: boolean;
  /** Why the container is UNKNOWN, when loadContainer logs "Failed to load container status". */
  loadError: string | null;
}

/**
 * @param checkpoint LoadStatus result; null when the file is missing or undecodable.
 * @param now time.Now() for the fields the load sets.
 * @param sandboxKnown the container's sandbox is in the sandbox store (needed to build IO for CREATED).
 * @param exitFromStoppedTask the variant's recoverExitFromStoppedTask.
 */
export function loadContainerStatus(
  checkpoint: Status | null,
  task: RecoveryTask,
  now: number,
  sandboxKnown: boolean,
  exitFromStoppedTask: "always" | "if-not-finished" = "always",
): Recovered {
  // LoadStatus failure -> unknownContainerStatus(), with Unknown set.
  const status: Status = checkpoint ? { ...checkpoint } : unknownContainerStatus();
  let unknown = checkpoint === null;
  const state = stateOf(status, unknown);
  let deleteTask = false;
  let exitMonitor = false;
  let ioClosed = false;
  let loadError: string | null = null;
  const exitedUnknown = (): void => {
    status.finishedAt = now;
    status.exitCode = unknownExitCode;
    status.reason = unknownExitReason;
  };
  switch (task.kind) {
    case "notFound":
      // restart.go: "Task is not created or has been deleted, use the checkpointed status".
      if (state === "CONTAINER_CREATED" && !sandboxKnown) loadError = "failed to create container io: sandbox not found";
      else if (state === "CONTAINER_RUNNING") exitedUnknown();
      break;
    case "created":
      // restart.go: a created task only exists if containerd died during StartContainer.
      deleteTask = true;
      // Its IO is the one cntr.Task's attach made on the task's FIFOs (cio.WithFIFOs), which
      // t.Delete closes (task.go:Delete), removing them (container.go:loadFifos' closer):
      // container_start.go's ioCreation reuses cntr.IO, so the next start cannot open them
      // (seen on the daemon: traces/crash-startContainer-task-created.json).
      ioClosed = true;
      if (state !== "CONTAINER_CREATED") loadError = `unexpected container state for created task: "${state}"`;
      break;
    case "running":
    case "runningWaitNotFound":
      if (state === "CONTAINER_EXITED") {
        loadError = `unexpected container state for running task: "${state}"`;
        break;
      }
      // "containerd gets restarted after task is started, but before status is checkpointed".
      if (state !== "CONTAINER_RUNNING") status.startedAt = now;
      if (task.kind === "running") exitMonitor = true;
      else exitedUnknown();
      break;
    case "stopped":
      // restart.go: "Task is stopped. Update status and delete the task."
      deleteTask = true;
      // preallocated-status.patch, exit-in-record.patch (restart.go:loadContainer): an exit already
      // stored stays, as handleContainerExit keeps one; only a failed start whose delete failed
      // leaves a stopped task under a stored exit.
      if (exitFromStoppedTask === "if-not-finished" && status.finishedAt !== 0) break;
      status.finishedAt = task.exitedAt;
      status.exitCode = task.exitCode;
      break;
    case "error":
      loadError = "failed to load task: error";
      break;
  }
  // "Only set the unknown field in this case, because other fields may contain useful information".
  if (loadError !== null) unknown = true;
  return { status, unknown, deleteTask, exitMonitor, ioClosed, loadError };
}
