// StopPodSandbox (internal/cri/server/sandbox_stop.go): stops every container of the sandbox
// that is in the CRI store (an invisible one keeps running), then the pause task.
import type { World } from "../world.ts";
import { deleteTask } from "../shim.ts";
import type { Ctx } from "../log.ts";
import { stopContainerInternal } from "./container-stop.ts";
import { failed, notFound, ok, type CallResult } from "./call.ts";
import { crashedAt, diesAt } from "./crash.ts";

export function stopPodSandbox(w: World, ctx: Ctx, id: string): CallResult {
  if (!w.cri.sandboxes[id]) return notFound("sandbox", id);
  return stopPodSandboxInternal(w, ctx, id);
}

export function stopPodSandboxInternal(w: World, ctx: Ctx, id: string): CallResult {
  const sandbox = w.cri.sandboxes[id];
  if (!sandbox) return ok;
  for (const cid of Object.keys(w.cri.containers)) {
    if (w.metadata.containers[cid]?.sandboxId !== id) continue;
    const stopped = stopContainerInternal(w, ctx, cid);
    if (!stopped.ok) return failed(`failed to stop container ${JSON.stringify(cid)}: ${stopped.error}`);
  }
  if (diesAt(w, ctx, "stopPodSandbox", "containers-stopped")) return crashedAt("containers-stopped");
  // Kill and delete the pause task; handleSandboxExit is memory only and cannot fail.
  deleteTask(w, ctx, id);
  sandbox.state = "NOTREADY";
  return ok;
}
