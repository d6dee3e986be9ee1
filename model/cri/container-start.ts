// StartContainer (internal/cri/server/container_start.go).
import type { World } from "../world.ts";
import { now } from "../world.ts";
import { stateOf, errorStartExitCode, errorStartReason } from "../status.ts";
import { createTask, deleteTaskOrFail, startTask } from "../shim.ts";
import { containerdLog, say, type Ctx } from "../log.ts";
import { updateSync } from "./status-store.ts";
import { failed, notFound, ok, type CallResult } from "./call.ts";
import { crashedAt, diesAt } from "./crash.ts";

export function startContainer(w: World, ctx: Ctx, id: string): CallResult {
  const cntr = w.cri.containers[id];
  const record = w.metadata.containers[id];
  if (!cntr || !record) return notFound("container", id);
  // container_start.go:setContainerStarting: only a CREATED container can start.
  const state = stateOf(cntr.status, cntr.unknown);
  if (state !== "CONTAINER_CREATED") return failed(`failed to set starting state for container ${JSON.stringify(id)}: container is in ${state} state`);
  // From here a failure runs the deferred cleanup: task.Delete(WithProcessKill) of whatever
  // was started, and the start-failure UpdateSync (FinishedAt, 128, StartError), which may
  // fail too and then only logs (seen on the real daemon: a start in a stopped sandbox
  // leaves the container EXITED 128).
  const fail = (error: string): CallResult => {
    // "It's possible that task is deleted by event monitor": a failed delete is only logged.
    const deleted = deleteTaskOrFail(w, ctx, id);
    if (!deleted.ok) containerdLog(ctx, "error", `Failed to delete containerd task ${JSON.stringify(id)}`, deleted.error);
    const marked = updateSync(w, ctx, id, "start", (s) => ({ ...s, finishedAt: now(w), exitCode: errorStartExitCode, reason: errorStartReason }));
    if (!marked.ok) containerdLog(ctx, "error", `failed to set start failure state for container ${JSON.stringify(id)}`, marked.error);
    return failed(error);
  };
  // container_start.go: the sandbox must be READY.
  const sandbox = w.cri.sandboxes[record.sandboxId];
  if (!sandbox) return fail(`sandbox ${JSON.stringify(record.sandboxId)} not found: not found`);
  if (sandbox.state !== "READY") return fail(`sandbox container ${JSON.stringify(record.sandboxId)} is not running`);
  // createContainerIO -> openLogFile(O_CREATE): the kubelet's <attempt>.log now exists.
  addLogFile(w, record.pod, record.containerName, record.attempt);
  // From NewTask's ioCreation on, a failure also closes the container's IO: its FIFOs are gone.
  const failWithIO = (error: string): CallResult => {
    cntr.ioClosed = true;
    return fail(error);
  };
  // A start after a failed one whose start-failure write failed too (the container is still
  // CREATED): the shim cannot open the removed FIFOs (seen on the real daemon after disk.free:
  // traces/start-retried-after-free.json). The task's bundle comes and goes: no space kept.
  if (cntr.ioClosed) return failWithIO(`failed to create containerd task: failed to create shim task: failed to start io pipe copy: unable to copy pipes: containerd-shim: opening file ${JSON.stringify(`${id}-stdout`)} failed: no such file or directory: unknown`);
  // NewTask, Wait, task.Start, then the StartedAt write; containerd can die between any two.
  const task = createTask(w, ctx, id);
  if (!task.ok) return failWithIO(task.error);
  if (diesAt(w, ctx, "startContainer", "task-created")) return crashedAt("task-created");
  const run = startTask(w, ctx, id, "container");
  if (!run.ok) return failWithIO(`failed to start containerd task ${JSON.stringify(id)}: ${run.error}`);
  if (diesAt(w, ctx, "startContainer", "task-started")) return crashedAt("task-started");
  const started = updateSync(w, ctx, id, "start", (s) => ({ ...s, startedAt: now(w) }));
  if (!started.ok) return failWithIO(`failed to update container ${JSON.stringify(id)} state: ${started.error}`);
  if (diesAt(w, ctx, "startContainer", "status-written")) return crashedAt("status-written");
  // events.go:startContainerExitMonitor, only after the status is stored.
  cntr.exitMonitor = true;
  say(ctx, "cri", `exit monitor waits on ${id}`);
  return ok;
}

function addLogFile(w: World, pod: string, container: string, attempt: number): void {
  const byPod = (w.kubelet.logs[pod] ??= {});
  const files = (byPod[container] ??= []);
  if (!files.includes(attempt)) files.push(attempt);
}
