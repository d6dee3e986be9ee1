// RemoveContainer (internal/cri/server/container_remove.go).
import type { World } from "../world.ts";
import { stateOf } from "../status.ts";
import { releaseByKey } from "../registrar.ts";
import { removeContainerRecord, removeContainerRootDir } from "../disk.ts";
import { deleteTask, lookupTask } from "../shim.ts";
import { say, type Ctx } from "../log.ts";
import { stopContainerInternal } from "./container-stop.ts";
import { failed, ok, type CallResult } from "./call.ts";
import { crashedAt, diesAt } from "./crash.ts";

export function removeContainer(w: World, ctx: Ctx, id: string): CallResult {
  const cntr = w.cri.containers[id];
  // Not in the store: "Do not return error if container metadata doesn't exist."
  if (!cntr) return ok;
  const stopped = stopContainerInternal(w, ctx, id);
  if (!stopped.ok) return failed(`failed to forcibly stop container ${JSON.stringify(id)}: ${stopped.error}`);
  // setContainerRemoving: a container still RUNNING (its exit not stored) cannot be removed.
  if (stateOf(cntr.status, cntr.unknown) === "CONTAINER_RUNNING") {
    return failed(`failed to set removing state for container ${JSON.stringify(id)}: container is still running, to stop first`);
  }
  // container.go:Delete refuses while the container has a task (FailedPrecondition); a variant
  // that keeps stopped tasks deletes a stopped one first (keep-task-until-stored.patch,
  // container_remove.go: deleteStoppedTask), which unmounts its rootfs and ends its shim task.
  const task = lookupTask(w, id);
  if (task.kind === "stopped" && ctx.config.containerd.deleteStoppedTask === "after-status-stored") deleteTask(w, ctx, id);
  else if (task.kind !== "notFound") {
    return failed(`failed to delete containerd container ${JSON.stringify(id)}: cannot delete running task ${id}: failed precondition`);
  }
  // Then the containerd container, the checkpoint and the root dirs (no space needed); the
  // container leaves the store and its name is released.
  delete w.metadata.containers[id];
  removeContainerRecord(w);
  say(ctx, "cri", `delete container record ${id}`, "metadata");
  if (diesAt(w, ctx, "removeContainer", "record-deleted")) return crashedAt("record-deleted");
  removeContainerRootDir(w, ctx, id);
  delete w.cri.containers[id];
  releaseByKey(w.cri.containerNames, id);
  return ok;
}
