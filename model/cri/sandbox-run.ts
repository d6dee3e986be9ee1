// RunPodSandbox (containerd 1.6.20 pkg/cri/server/sandbox_run.go). The pause container's bolt
// record, which carries the sandbox metadata, is written first (c.client.NewContainer), before
// the root dir, the network and the shim; each later step that fails runs the deferred rollback,
// and a rollback step that fails itself leaves a "leaky" sandbox behind (#5904).
import type { World } from "../world.ts";
import { now } from "../world.ts";
import { makeSandboxName } from "../names.ts";
import { reserve, releaseByName } from "../registrar.ts";
import { makeSandboxRootDir, newContainerRecord, removeContainerRecord, removeSandboxRootDir, sandboxRootDir } from "../disk.ts";
import { createTask, deleteTaskOrFail, startTask } from "../shim.ts";
import { containerdLog, report, say, type Ctx } from "../log.ts";
import { failed, ok, type CallResult } from "./call.ts";
import { beginInFlight, hangsFor, joinInFlight } from "./in-flight.ts";
import { crashedAt, diesAt } from "./crash.ts";

export interface RunPodSandboxRequest {
  id: string;
  pod: string;
  attempt: number;
  /** The caller's context deadline, logical seconds. */
  deadline: number;
}

export function runPodSandbox(w: World, ctx: Ctx, req: RunPodSandboxRequest): CallResult {
  const { id, pod, attempt, deadline } = req;
  const name = makeSandboxName(pod, attempt);
  // sandbox_run.go: sandboxNameIndex.Reserve first.
  const reserved = reserve(w.cri.sandboxNames, name, id);
  if (!reserved.ok) {
    const holder = w.cri.sandboxNames[name];
    const joined = holder === undefined ? null : joinInFlight(w, ctx, holder, { kind: "runPodSandbox", sandboxId: id, pod, containerName: "", attempt, deadline });
    if (joined) return joined;
    return failed(`failed to reserve sandbox name ${JSON.stringify(name)}: ${reserved.error}`, holder === undefined ? {} : { conflict: { name, holder } });
  }
  // The slow part (the pause image's snapshot, inside NewContainer) waits while the storage hangs.
  if (hangsFor(w, ctx, pod)) return beginInFlight(w, ctx, { id, kind: "runPodSandbox", name, sandboxId: id, pod, containerName: "", attempt, deadline });
  return finishRunPodSandbox(w, ctx, req, name);
}

/** The rest of RunPodSandbox once its name is reserved, in sandbox_run.go's order. */
export function finishRunPodSandbox(w: World, ctx: Ctx, req: RunPodSandboxRequest, name: string): CallResult {
  const { id, pod, attempt } = req;
  const released = (error: string): CallResult => {
    releaseByName(w.cri.sandboxNames, name);
    say(ctx, "cri", `RunPodSandbox ${id} rolled back, name ${name} released`);
    return failed(error);
  };
  if (w.metadata.sandboxes[id]) return released(`failed to create containerd container: container ${JSON.stringify(id)}: already exists`);
  // c.client.NewContainer: the pause container's snapshot and bolt record, with the sandbox
  // metadata extension: the sandbox exists in bolt from here on.
  const record = newContainerRecord(w, ctx, id);
  if (!record.ok) return released(`failed to create containerd container: ${record.error}`);
  w.metadata.sandboxes[id] = { id, name, pod, attempt, createdAt: now(w) };
  say(ctx, "cri", `add sandbox record ${id} (${name})`, "metadata");
  if (diesAt(w, ctx, "runPodSandbox", "record-written")) return crashedWith(ctx, id, pod, "record-written");
  // The deferred rollback, in the reverse order of the steps it undoes. A task.Delete that
  // fails sets cleanupErr: the network, the record and the name stay, and the sandbox is
  // added to the store as it is (UNKNOWN, listed NOTREADY) so that it can be stopped and
  // removed (#5904; integration/sandbox_run_rollback_test.go:TestRunPodSandboxWithShimDeleteFailure).
  const rollback = (error: string, taskCreated: boolean): CallResult => {
    const deleted = taskCreated ? deleteTaskOrFail(w, ctx, id) : { ok: true as const };
    removeSandboxRootDir(w, ctx, id);
    if (!deleted.ok) {
      containerdLog(ctx, "error", `Failed to delete sandbox container task ${JSON.stringify(id)}`, deleted.error);
      w.cri.sandboxes[id] = { id, state: "UNKNOWN" };
      say(ctx, "cri", `RunPodSandbox ${id} failed and could not clean up: sandbox kept, name ${name} still reserved`);
      report(ctx, { kind: "sandbox created", facts: { id, pod } });
      return failed(error);
    }
    // container.Delete(WithSnapshotCleanup), then the deferred ReleaseByName.
    delete w.metadata.sandboxes[id];
    removeContainerRecord(w);
    say(ctx, "cri", `delete sandbox record ${id}`, "metadata");
    return released(error);
  };
  // The sandbox root directory and its files (hostname, resolv.conf...).
  const dir = makeSandboxRootDir(w, ctx, id);
  if (!dir.ok) return rollback(`failed to create sandbox root directory ${JSON.stringify(sandboxRootDir(id))}: ${dir.error}`, false);
  // setupPodNetwork(ctx): the CNI plugin runs under the call's context (libcni
  // invoke/raw_exec.go: exec.CommandContext), which fails at once when the caller has gone.
  if (w.clock.seconds > req.deadline) return rollback(`failed to setup network for sandbox ${JSON.stringify(id)}: context deadline exceeded`, false);
  if (diesAt(w, ctx, "runPodSandbox", "network-ready")) return crashedWith(ctx, id, pod, "network-ready");
  // container.NewTask starts the shim; task.Start runs the pause process. Sandbox status is
  // memory only, never checkpointed.
  const task = createTask(w, ctx, id);
  if (!task.ok) return rollback(`failed to create containerd task: ${task.error}`, false);
  if (diesAt(w, ctx, "runPodSandbox", "task-created")) return crashedWith(ctx, id, pod, "task-created");
  const started = startTask(w, ctx, id, "sandbox");
  if (!started.ok) return rollback(`failed to start sandbox container task ${JSON.stringify(id)}: ${started.error}`, true);
  if (diesAt(w, ctx, "runPodSandbox", "task-started")) return crashedWith(ctx, id, pod, "task-started");
  w.cri.sandboxes[id] = { id, state: "READY" };
  report(ctx, { kind: "sandbox created", facts: { id, pod } });
  return ok;
}

/** containerd died with the record written: the sandbox exists from its next start on. */
function crashedWith(ctx: Ctx, id: string, pod: string, at: string): CallResult {
  report(ctx, { kind: "sandbox created", facts: { id, pod } });
  return crashedAt(at);
}
