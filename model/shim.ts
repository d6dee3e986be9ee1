// The shim and its tasks (core/runtime/v2): they live on while containerd is down, and a
// task that exits stays "stopped" with its exit status until someone deletes it.
import type { ShimOp, World } from "./world.ts";
import { say, type Ctx } from "./log.ts";
import { now } from "./world.ts";
import { makeTaskWorkDir, removeTaskWorkDir, type WriteResult } from "./disk.ts";

/** Exit code of a process killed by SIGKILL (128 + 9). */
export const sigkillExitCode = 137;

/** What containerd's Task() + Status() return for an id (the recovery table's columns). */
export type TaskLookup =
  | { kind: "notFound" }
  | { kind: "created" }
  | { kind: "running" }
  | { kind: "stopped"; exitCode: number; exitedAt: number };

export function lookupTask(w: World, id: string): TaskLookup {
  const task = w.shim.tasks[id];
  if (!task) return { kind: "notFound" };
  if (task.status === "stopped") return { kind: "stopped", exitCode: task.exitCode ?? 0, exitedAt: task.exitedAt };
  return { kind: task.status };
}

/**
 * container.NewTask: the runtime v2 manager makes the task's work dir under containerd's
 * root (core/runtime/v2/bundle.go:NewBundle), then runc create; the process does not run yet.
 * On a full disk this mkdir is what fails (seen on the real daemon: "failed to start shim:
 * mkdir .../io.containerd.runtime.v2.task/k8s.io/<id>: no space left on device").
 */
export function createTask(w: World, ctx: Ctx, id: string): WriteResult {
  const workDir = makeTaskWorkDir(w, ctx, id);
  if (!workDir.ok) return { ok: false, error: `failed to create containerd task: failed to start shim: ${workDir.error}: unknown` };
  w.shim.tasks[id] = { status: "created", exitCode: null, exitedAt: 0 };
  say(ctx, "cri", `create task ${id}`, "shim");
  return workDir;
}

/**
 * A failure armed with shim.fail fires at the operation it names (the failpoint shim of
 * containerd's integration tests, containerd-shim-runc-fp-v1: "1*error(...)" on its API).
 */
function shimFails(w: World, ctx: Ctx, op: ShimOp): boolean {
  const i = w.faults.shim.indexOf(op);
  if (i < 0) return false;
  w.faults.shim.splice(i, 1);
  say(ctx, "shim", `${op} fails (armed failure)`, "cri");
  return true;
}

/** task.Start: the main process runs. Only a container's process is tracked, not a pause process. */
export function startTask(w: World, ctx: Ctx, id: string, of: "container" | "sandbox"): WriteResult {
  const task = w.shim.tasks[id];
  if (!task) return { ok: true };
  if (shimFails(w, ctx, "start")) return { ok: false, error: "start failed in the shim: unknown" };
  task.status = "running";
  if (of === "container") w.shim.processes[id] = { state: "running", exitCode: null };
  say(ctx, "cri", `start task ${id}: process running`, "shim");
  return { ok: true };
}

/** The main process exits (by itself or killed): the shim reaps it and keeps the task stopped. */
export function processExits(w: World, ctx: Ctx, id: string, code: number): boolean {
  const task = w.shim.tasks[id];
  if (!task || task.status !== "running") return false;
  task.status = "stopped";
  task.exitCode = code;
  task.exitedAt = now(w);
  const process = w.shim.processes[id];
  if (process) Object.assign(process, { state: "exited", exitCode: code });
  say(ctx, "shim", `process of ${id} exited with code ${code}`);
  return true;
}

/**
 * task.Delete where a failure is handled (a rollback's deferred delete, the exit handler's).
 * WithProcessKill kills the process before the shim is asked to delete (task_opts.go:
 * WithProcessKill), so an armed delete failure leaves a stopped task, never a live process.
 */
export function deleteTaskOrFail(w: World, ctx: Ctx, id: string): WriteResult {
  if (!w.shim.tasks[id] || !shimFails(w, ctx, "delete")) {
    deleteTask(w, ctx, id);
    return { ok: true };
  }
  const task = w.shim.tasks[id]!;
  // A created task's init process is killed too; only a started one is a tracked process.
  if (task.status === "created") Object.assign(task, { status: "stopped", exitCode: sigkillExitCode, exitedAt: now(w) });
  else processExits(w, ctx, id, sigkillExitCode);
  return { ok: false, error: "failed to delete task: delete failed in the shim: unknown" };
}

/** task.Delete(WithProcessKill): kills a live process first, then forgets the task and removes its work dir. */
export function deleteTask(w: World, ctx: Ctx, id: string): void {
  if (!w.shim.tasks[id]) return;
  processExits(w, ctx, id, sigkillExitCode);
  delete w.shim.tasks[id];
  removeTaskWorkDir(w, ctx);
  say(ctx, "cri", `delete task ${id}`, "shim");
}

/**
 * containerd starts, before the CRI plugin recovers: the runtime v2 shim manager loads every
 * shim (1.7 runtime/v2/shim_load.go:loadShims; main core/runtime/v2/shim_load.go). On a
 * release that deletes a shim without a process, a container's task whose process exited
 * while nothing waited on it is deleted as a leaked shim ("cleaning leaked shim process",
 * containerd#6860: no pids, not in the sandbox store), exit code and all; recovery then finds
 * no task. A sandbox's shim is left to recovery, which deletes a stopped pause task anyway.
 */
export function loadShims(w: World, ctx: Ctx): void {
  if (ctx.config.release.onShimWithoutProcess === "keep") return;
  for (const [id, task] of Object.entries(w.shim.tasks)) {
    if (task.status !== "stopped" || w.metadata.sandboxes[id]) continue;
    say(ctx, "shim", `shim of ${id} has no process: cleaning leaked shim process`, "cri");
    deleteTask(w, ctx, id);
  }
}
