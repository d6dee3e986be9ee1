// How the CRI plugin learns that a container's process exited: the per-task exit monitor,
// handleContainerExit, and the back-off queue that retries a failed handling
// (internal/cri/server/events.go, internal/cri/server/events/events.go).
import type { World } from "../world.ts";
import { deleteTask, deleteTaskOrFail, processExits } from "../shim.ts";
import { unknownExitCode } from "../status.ts";
import { containerdLog, report, say, type Ctx } from "../log.ts";
import { rewriteMemoryOnlyStatus, statusIsStored, updateSync } from "./status-store.ts";
import type { WriteResult } from "../disk.ts";
import { now } from "../world.ts";

interface TaskExit {
  exitCode: number;
  exitedAt: number;
}

/** events/events.go: first retry after 1 s, doubling, at most 5 min. */
const backoffFirstSeconds = 1;
const backoffMaxSeconds = 300;

/**
 * A container's main process exits (by itself or killed): the shim records it, and if the
 * CRI plugin is up with an exit monitor waiting on the task, the exit is handled now.
 */
export function taskExited(w: World, ctx: Ctx, id: string, code: number): void {
  if (!processExits(w, ctx, id, code)) return;
  if (w.metadata.sandboxes[id]) handleSandboxExit(w, ctx, id);
  else deliverExit(w, ctx, id);
}

/**
 * events.go:handleSandboxExit: the pause process exited; memory only, it cannot fail. While
 * containerd is down the stopped pause task waits for recovery, which makes it NOTREADY.
 */
function handleSandboxExit(w: World, ctx: Ctx, id: string): void {
  const sandbox = w.cri.sandboxes[id];
  if (w.cri.phase !== "up" || !sandbox) return;
  deleteTask(w, ctx, id);
  sandbox.state = "NOTREADY";
  say(ctx, "cri", `sandbox ${id} is NOTREADY`);
}

/** events.go:startContainerExitMonitor: the monitor's Wait returns with the task's exit. */
export function deliverExit(w: World, ctx: Ctx, id: string): void {
  const cntr = w.cri.containers[id];
  const task = w.shim.tasks[id];
  if (w.cri.phase !== "up") report(ctx, { kind: "situation", situation: "exit while containerd is down" });
  if (w.cri.phase !== "up" || !cntr || !cntr.exitMonitor || task?.status !== "stopped") {
    say(ctx, "shim", `exit of ${id} kept in the shim: no exit monitor waits on it`);
    return;
  }
  cntr.exitMonitor = false;
  const exit = { exitCode: task.exitCode ?? unknownExitCode, exitedAt: task.exitedAt };
  if (w.cri.backoff.some((e) => e.id === id)) {
    enqueueBackoff(w, ctx, id, exit);
    return;
  }
  const handled = handleContainerExit(w, ctx, id, exit);
  if (!handled.ok) {
    containerdLog(ctx, "error", `failed to handle container TaskExit event for ${JSON.stringify(id)}`, handled.error);
    enqueueBackoff(w, ctx, id, exit);
  }
}

/**
 * events.go:handleContainerExit: delete the task (reaping the shim), then UpdateSync the exit
 * into the status, only if FinishedAt is still unset, and clear Unknown. A variant that keeps
 * the stopped task until the exit is stored swaps the two steps.
 */
export function handleContainerExit(w: World, ctx: Ctx, id: string, exit: TaskExit): WriteResult {
  if (!w.cri.containers[id]) return { ok: true };
  const deleteFirst = ctx.config.containerd.deleteStoppedTask === "before-status-stored";
  // events.go:handleContainerExit: a failed task.Delete returns before the status is updated.
  if (deleteFirst) {
    const deleted = deleteTaskOrFail(w, ctx, id);
    if (!deleted.ok) return { ok: false, error: `failed to stop container: ${deleted.error}` };
  }
  const stored = updateSync(
    w,
    ctx,
    id,
    "exit",
    (s) => (s.finishedAt === 0 ? { ...s, finishedAt: exit.exitedAt, exitCode: exit.exitCode } : s),
    true,
  );
  // Kept until its exit is stored; a delete that fails then leaves a stopped task, retried by nothing.
  if (!deleteFirst && stored.ok) deleteTaskOrFail(w, ctx, id);
  return stored;
}

/** container_stop.go:cleanupUnknownContainer: an UNKNOWN container whose task is gone exits with 255. */
export function cleanupUnknownContainer(w: World, ctx: Ctx, id: string): WriteResult {
  return handleContainerExit(w, ctx, id, { exitCode: unknownExitCode, exitedAt: now(w) });
}

function enqueueBackoff(w: World, ctx: Ctx, id: string, exit: TaskExit): void {
  w.cri.backoff.push({ id, ...exit, due: w.clock.seconds + backoffFirstSeconds, delay: backoffFirstSeconds });
  say(ctx, "cri", `exit of ${id} queued for back-off retry in ${backoffFirstSeconds}s`);
}

/** events/events.go: the back-off loop retries every queued exit whose time has come. */
export function retryDueExits(w: World, ctx: Ctx): void {
  for (const entry of [...w.cri.backoff]) {
    if (entry.due > w.clock.seconds) continue;
    const handled = handleContainerExit(w, ctx, entry.id, entry);
    const queue = w.cri.backoff;
    const index = queue.findIndex((e) => e.id === entry.id);
    const queued = queue[index];
    if (handled.ok) {
      queue.splice(index, 1);
      say(ctx, "cri", `back-off retry of ${entry.id}'s exit succeeded`);
      continue;
    }
    if (!queued) continue;
    // The disk cannot change within one tick, so every retry left in it fails the same way.
    while (queued.due <= w.clock.seconds) {
      queued.delay = Math.min(queued.delay * 2, backoffMaxSeconds);
      queued.due += queued.delay;
    }
    say(ctx, "cri", `back-off retry of ${entry.id}'s exit failed, next in ${queued.due - w.clock.seconds}s`);
  }
}

/** Statuses held only in memory are stored again; a stopped task held for one is then deleted. */
export function rewriteMemoryOnlyStatuses(w: World, ctx: Ctx): void {
  for (const id of Object.keys(w.cri.containers)) {
    if (statusIsStored(w, ctx, id)) continue;
    if (!rewriteMemoryOnlyStatus(w, ctx, id).ok) continue;
    if (w.shim.tasks[id]?.status === "stopped" && !w.cri.backoff.some((e) => e.id === id)) deleteTask(w, ctx, id);
  }
}
