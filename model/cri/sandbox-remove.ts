// RemovePodSandbox (internal/cri/server/sandbox_remove.go).
import type { World } from "../world.ts";
import { releaseByKey } from "../registrar.ts";
import { removeContainerRecord, removeSandboxRootDir } from "../disk.ts";
import { say, type Ctx } from "../log.ts";
import { stopPodSandboxInternal } from "./sandbox-stop.ts";
import { removeContainer } from "./container-remove.ts";
import { failed, ok, type CallResult } from "./call.ts";
import { crashedAt, diesAt } from "./crash.ts";

export function removePodSandbox(w: World, ctx: Ctx, id: string): CallResult {
  const sandbox = w.cri.sandboxes[id];
  // Not in the store: removal is idempotent and succeeds.
  if (!sandbox) return ok;
  if (sandbox.state !== "NOTREADY") {
    const stopped = stopPodSandboxInternal(w, ctx, id);
    if (!stopped.ok) return failed(`failed to forcibly stop sandbox ${JSON.stringify(id)}: ${stopped.error}`);
  }
  // Remove every container of the sandbox that is in the store; invisible ones stay in bolt.
  for (const cid of Object.keys(w.cri.containers)) {
    if (w.metadata.containers[cid]?.sandboxId !== id) continue;
    const removed = removeContainer(w, ctx, cid);
    if (!removed.ok) return failed(`failed to remove container ${JSON.stringify(cid)}: ${removed.error}`);
  }
  // ensureRemoveAll(sandboxRootDir), then the pause container with its snapshot.
  removeSandboxRootDir(w, ctx, id);
  if (diesAt(w, ctx, "removePodSandbox", "root-dir-removed")) return crashedAt("root-dir-removed");
  delete w.metadata.sandboxes[id];
  removeContainerRecord(w);
  say(ctx, "cri", `delete sandbox record ${id}`, "metadata");
  delete w.cri.sandboxes[id];
  releaseByKey(w.cri.sandboxNames, id);
  return ok;
}
