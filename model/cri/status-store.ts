// Where the CRI plugin persists a container's status, and what a failed write does. This is
// the one seam the containerd variants turn (variants/containerd.ts); every status write of
// the model goes through here.
import type { World } from "../world.ts";
import type { Status } from "../status.ts";
import { statusPath, writeCheckpoint, type WriteResult } from "../disk.ts";
import { containerdLog, type Ctx } from "../log.ts";

function checkpointError(id: string, error: string): string {
  return `failed to checkpoint status to ${JSON.stringify(statusPath(id))}: ${error}`;
}

/**
 * store/container/status.go:StoreStatus, called by WithStatus when CreateContainer builds
 * the container object. On success the checkpoint holds `status`.
 */
export function storeStatusAtCreate(w: World, ctx: Ctx, id: string, status: Status): WriteResult {
  const written = writeCheckpoint(w, ctx, id, status);
  if (written.ok) return written;
  if (ctx.config.containerd.onRuntimeStatusWriteError === "keep") {
    containerdLog(ctx, "warn", `Ignoring failure to checkpoint status of ${JSON.stringify(id)}`, checkpointError(id, written.error));
    return { ok: true };
  }
  return { ok: false, error: checkpointError(id, written.error) };
}

/**
 * store/container/status.go:UpdateSync: computes the new status, writes it, and only then
 * assigns it in memory, so a failed write leaves memory and file at the old status.
 */
export function updateSync(w: World, ctx: Ctx, id: string, update: (s: Status) => Status, clearUnknown = false): WriteResult {
  const cntr = w.cri.containers[id];
  if (!cntr) return { ok: true };
  const next = update({ ...cntr.status });
  const written = writeCheckpoint(w, ctx, id, next);
  if (!written.ok) {
    if (ctx.config.containerd.onRuntimeStatusWriteError !== "keep") return { ok: false, error: checkpointError(id, written.error) };
    containerdLog(ctx, "warn", `Ignoring failure to checkpoint status of ${JSON.stringify(id)}`, checkpointError(id, written.error));
  }
  cntr.status = next;
  if (clearUnknown) cntr.unknown = false;
  return { ok: true };
}

export type RecoveryStore = "stored" | "memory-only" | { skip: string };

/** restart.go:loadContainer -> WithStatus -> StoreStatus: the rewrite of every container at load. */
export function storeStatusAtRecovery(w: World, ctx: Ctx, id: string, status: Status): RecoveryStore {
  const written = writeCheckpoint(w, ctx, id, status);
  if (written.ok) return "stored";
  const error = checkpointError(id, written.error);
  if (ctx.config.containerd.onRecoveryStatusWriteError === "keep") {
    containerdLog(ctx, "warn", `Ignoring failure to checkpoint status of ${JSON.stringify(id)} at recovery`, error);
    return "memory-only";
  }
  return { skip: error };
}
