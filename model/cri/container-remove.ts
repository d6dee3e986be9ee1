// RemoveContainer (internal/cri/server/container_remove.go).
import type { World } from "../world.ts";
import { stateOf } from "../status.ts";
import { releaseByKey } from "../registrar.ts";
import { removeContainerRecord, removeContainerRootDir } from "../disk.ts";
import { deleteTask } from "../shim.ts";
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
  // Delete the containerd container (with any task a variant still held), the checkpoint and
  // the root dirs (no space needed), then drop it from the store and release its name.
  deleteTask(w, ctx, id);
  delete w.metadata.containers[id];
  removeContainerRecord(w, ctx);
  say(ctx, "cri", `delete container record ${id}`, "metadata");
  if (diesAt(w, ctx, "removeContainer", "record-deleted")) return crashedAt("record-deleted");
  removeContainerRootDir(w, ctx, id);
  delete w.cri.containers[id];
  releaseByKey(w.cri.containerNames, id);
  return ok;
}
