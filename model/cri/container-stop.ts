// StopContainer (internal/cri/server/container_stop.go), always with timeout 0 in the model:
// SIGKILL at once. The kubelet's grace period only delays the same outcome for PID 1 sleeps.
import type { World } from "../world.ts";
import { stateOf } from "../status.ts";
import { lookupTask, processExits, sigkillExitCode } from "../shim.ts";
import { report, say, type Ctx } from "../log.ts";
import { cleanupUnknownContainer, deliverExit } from "./exit-handler.ts";
import { failed, notFound, ok, type CallResult } from "./call.ts";
import { crashedAt, diesAt } from "./crash.ts";
import { waitUntil } from "./timers.ts";
import { callDeadline } from "../kubelet/remote-runtime.ts";

export function stopContainer(w: World, ctx: Ctx, id: string): CallResult {
  // 1.7 and main: "The StopContainer RPC is idempotent" (container_stop.go:StopContainer); 1.6.20: NotFound.
  if (!w.cri.containers[id]) return ctx.config.release.onStopUnknownContainer === "ok" ? ok : notFound("container", id);
  return stopContainerInternal(w, ctx, id);
}

/** container_stop.go:stopContainer, shared by StopContainer, RemoveContainer and StopPodSandbox. */
export function stopContainerInternal(w: World, ctx: Ctx, id: string): CallResult {
  const cntr = w.cri.containers[id];
  if (!cntr) return ok;
  const state = stateOf(cntr.status, cntr.unknown);
  if (state !== "CONTAINER_RUNNING" && state !== "CONTAINER_UNKNOWN") return ok;
  const task = lookupTask(w, id);
  if (task.kind === "notFound") {
    // A RUNNING container whose exit could not be stored has no task: nothing to do.
    if (state !== "CONTAINER_UNKNOWN") return ok;
    const cleaned = cleanupUnknownContainer(w, ctx, id);
    return cleaned.ok ? ok : failed(cleaned.error);
  }
  // keep-task-until-stored.patch (container_stop.go): a RUNNING container whose task is kept
  // stopped while its exit waits for back-off has nothing left to kill; it returns at once, as
  // upstream does once its exit handler deleted the task, instead of waiting for the deadline.
  const heldForBackoff = task.kind === "stopped" && w.cri.backoff.some((e) => e.id === id);
  if (state === "CONTAINER_RUNNING" && heldForBackoff && ctx.config.containerd.deleteStoppedTask === "after-status-stored") return ok;
  // UNKNOWN with a task: an exit monitor is started for the duration of this call.
  if (state === "CONTAINER_UNKNOWN") cntr.exitMonitor = true;
  say(ctx, "cri", `kill ${id} with SIGKILL`, "shim");
  // The kill: a running process exits (exit-handler.ts: taskExited, split here so that
  // containerd can die between the kill and the exit handler); the monitor gets the exit.
  if (task.kind === "running") processExits(w, ctx, id, sigkillExitCode);
  if (diesAt(w, ctx, "stopContainer", "killed")) return crashedAt("killed");
  deliverExit(w, ctx, id);
  // waitContainerStop: returns once the exit handler has stored the exit (container.Stopped()),
  // else blocks until the caller's deadline while time passes and the exit back-off retries
  // (a kill of a process already finished is errdefs.ErrNotFound, ignored).
  const exited = () => {
    const after = w.cri.containers[id];
    return after !== undefined && stateOf(after.status, after.unknown) === "CONTAINER_EXITED";
  };
  if (exited() || waitUntil(w, ctx, callDeadline(w, "stopContainer"), exited)) return ok;
  const after = w.cri.containers[id];
  if (after) after.exitMonitor = false;
  report(ctx, { kind: "waited until the deadline" });
  const quoted = JSON.stringify(id);
  return failed(`an error occurs during waiting for container ${quoted} to be killed: wait container ${quoted}: context deadline exceeded`);
}
