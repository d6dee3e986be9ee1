// RunPodSandbox (internal/cri/server/sandbox_run.go; podsandbox controller).
import type { World } from "../world.ts";
import { now } from "../world.ts";
import { makeSandboxName } from "../names.ts";
import { reserve, releaseByName } from "../registrar.ts";
import { makeSandboxRootDir, newContainerRecord, removeContainerRecord, removeSandboxRootDir, sandboxRootDir } from "../disk.ts";
import { createTask, startTask } from "../shim.ts";
import { report, say, type Ctx } from "../log.ts";
import { failed, ok, type CallResult } from "./call.ts";
import { beginInFlight, joinInFlight } from "./in-flight.ts";

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
    const joined = holder === undefined ? null : joinInFlight(w, ctx, holder, { kind: "runPodSandbox", sandboxId: id, pod, containerName: "", attempt });
    if (joined) return joined;
    return failed(`failed to reserve sandbox name ${JSON.stringify(name)}: ${reserved.error}`, holder === undefined ? {} : { conflict: { name, holder } });
  }
  // The slow part (pause image snapshot, network setup) waits while the storage hangs.
  if (w.disk.hung) return beginInFlight(w, ctx, { id, kind: "runPodSandbox", name, sandboxId: id, pod, containerName: "", attempt, deadline });
  return finishRunPodSandbox(w, ctx, req, name);
}

/** The rest of RunPodSandbox once its name is reserved: every failure releases the name. */
export function finishRunPodSandbox(w: World, ctx: Ctx, req: RunPodSandboxRequest, name: string): CallResult {
  const { id, pod, attempt } = req;
  const rollback = (error: string): CallResult => {
    releaseByName(w.cri.sandboxNames, name);
    say(ctx, "cri", `RunPodSandbox ${id} rolled back, name ${name} released`);
    return failed(error);
  };
  if (w.metadata.sandboxes[id]) return rollback(`failed to create containerd container: container ${JSON.stringify(id)}: already exists`);
  // The pause container (its snapshot and bolt record), then the sandbox root directory
  // (hostname, resolv.conf...).
  const record = newContainerRecord(w, ctx, id);
  if (!record.ok) return rollback(`failed to create containerd container: ${record.error}`);
  // From here a failure deletes the pause container with its snapshot (container.Delete(WithSnapshotCleanup)).
  const dir = makeSandboxRootDir(w, ctx, id);
  if (!dir.ok) {
    removeContainerRecord(w, ctx);
    return rollback(`failed to create sandbox root directory ${JSON.stringify(sandboxRootDir(id))}: ${dir.error}`);
  }
  // The pause container's task runs; sandbox status is memory only, never checkpointed.
  const task = createTask(w, ctx, id);
  if (!task.ok) {
    removeSandboxRootDir(w, ctx);
    removeContainerRecord(w, ctx);
    return rollback(`failed to start sandbox container task ${JSON.stringify(id)}: ${task.error}`);
  }
  startTask(w, ctx, id, "sandbox");
  w.metadata.sandboxes[id] = { id, name, pod, attempt, createdAt: now(w) };
  say(ctx, "cri", `add sandbox record ${id} (${name})`, "metadata");
  w.cri.sandboxes[id] = { id, state: "READY" };
  report(ctx, { kind: "sandbox created", facts: { id, pod } });
  return ok;
}
