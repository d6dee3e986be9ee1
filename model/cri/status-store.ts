// Where the CRI plugin persists a container's status, and what a failed write does. This is
// the seam the containerd variants turn (variants/containerd.ts); every status read and write
// of the model goes through here.
import type { ContainerRecord, World } from "../world.ts";
import { stateOf, type Status } from "../status.ts";
import { boltRecordUpdate, statusPath, writeCheckpoint, writeStatusSlot, type Later, type WriteResult } from "../disk.ts";
import { containerdLog, report, sayRoutine, type Ctx } from "../log.ts";

/**
 * LoadStatus (store/container/status.go), or the status of the metadata record; null if absent.
 * With an exit copy, an exit the record holds and the checkpoint lacks wins (restart.go:loadContainer).
 */
export function storedStatus(w: World, ctx: Ctx, id: string): Status | null {
  const record = w.metadata.containers[id]?.status;
  if (ctx.config.containerd.statusStore === "metadata-record") return record ?? null;
  const checkpoint = w.disk.checkpoints[id] ?? null;
  if (ctx.config.containerd.exitCopy === "metadata-record" && record && record.finishedAt !== 0 && (checkpoint?.finishedAt ?? 0) === 0) return record;
  return checkpoint;
}

/**
 * exitCopy "metadata-record" (exit-in-record.patch, store/container/exit_record.go:
 * CopyExitToRecord, from events.go:handleContainerExit and restart.go's WithRecoveredStatus): an
 * exit whose checkpoint write failed goes into the container's record instead, rewriting the
 * exit slot the record got when it was created (container_create.go: WithExitSlot): the
 * record's first rewrite, a bolt page under the freelist choice grow (disk.ts:
 * boltFirstRecordUpdate). On the patched daemon the copy's commit did not fit the one block the
 * exit's task delete frees on a full disk in all but 1 of 16 runs at run time, and in all but 1
 * of 5 right after a restart (exit-code-lost-at-skipped-load): grow, and reuse once.
 */
function copyExitToRecord(w: World, ctx: Ctx, id: string, status: Status): WriteResult {
  const record = w.metadata.containers[id];
  if (ctx.config.containerd.exitCopy !== "metadata-record" || !record || status.finishedAt === 0) return { ok: false, error: "no exit copy" };
  // As long-term's record: written only when it changes.
  if (record.status && sameStatus(record.status, status)) return { ok: true };
  report(ctx, { kind: "status write" });
  const written = boltRecordUpdate(w, ctx, neverRewritten(record));
  if (!written.ok) return written;
  record.status = { ...status };
  sayRoutine(ctx, "cri", `store the exit of ${id} in its metadata record: ok`, "metadata");
  return { ok: true };
}

/**
 * The record holds what CreateContainer wrote: no status (exit-in-record's empty exit slot) or
 * the CREATED one (long-term), since every status a rewrite stores is a start's or an exit's.
 */
function neverRewritten(record: ContainerRecord): boolean {
  return record.status === undefined || stateOf(record.status, false) === "CONTAINER_CREATED";
}

/** Memory and store agree on this container's status. */
export function statusIsStored(w: World, ctx: Ctx, id: string): boolean {
  const memory = w.cri.containers[id]?.status;
  const stored = storedStatus(w, ctx, id);
  return memory !== undefined && stored !== null && sameStatus(memory, stored);
}

function sameStatus(a: Status, b: Status): boolean {
  return a.createdAt === b.createdAt && a.startedAt === b.startedAt && a.finishedAt === b.finishedAt && a.exitCode === b.exitCode && a.reason === b.reason;
}

/** One write of a status to wherever the variant keeps it; `later` holds back a checkpoint's rename. */
function writeStatus(w: World, ctx: Ctx, id: string, status: Status, later?: Later): WriteResult {
  if (ctx.config.containerd.statusStore === "checkpoint-file") {
    report(ctx, { kind: "status write" });
    return writeCheckpoint(w, ctx, id, status, later);
  }
  if (ctx.config.containerd.statusStore === "preallocated-file") {
    report(ctx, { kind: "status write" });
    return writeStatusSlot(w, ctx, id, status);
  }
  const record = w.metadata.containers[id];
  if (!record) return { ok: true };
  report(ctx, { kind: "status write" });
  // The record exists: its update is a rewrite (disk.ts).
  const written = boltRecordUpdate(w, ctx, neverRewritten(record));
  if (!written.ok) return written;
  record.status = { ...status };
  sayRoutine(ctx, "cri", `store status of ${id} in its metadata record: ok`, "metadata");
  return { ok: true };
}

function statusWriteError(ctx: Ctx, id: string, error: string): string {
  if (ctx.config.containerd.statusStore === "metadata-record") return `failed to update container ${JSON.stringify(id)} metadata: ${error}`;
  return `failed to checkpoint status to ${JSON.stringify(statusPath(id))}: ${error}`;
}

function ignored(ctx: Ctx, id: string, error: string): void {
  containerdLog(ctx, "warn", `Ignoring failure to store status of ${JSON.stringify(id)}, kept in memory only`, error);
}

/**
 * containerstore.NewContainer(WithStatus) in CreateContainer: StoreStatus of the CREATED
 * status. With the status in the metadata record it is part of the record's own write.
 */
export function storeStatusAtCreate(w: World, ctx: Ctx, id: string, status: Status): WriteResult {
  const record = w.metadata.containers[id];
  if (ctx.config.containerd.statusStore === "metadata-record" && record) {
    record.status = { ...status };
    return { ok: true };
  }
  const written = writeStatus(w, ctx, id, status);
  if (written.ok) return written;
  report(ctx, { kind: "situation", situation: "status write failed at create" });
  const error = statusWriteError(ctx, id, written.error);
  if (ctx.config.containerd.onRuntimeStatusWriteError === "fail") return { ok: false, error };
  ignored(ctx, id, error);
  return { ok: true };
}

/**
 * store/container/status.go:UpdateSync: computes the new status, writes it, and only then
 * assigns it in memory, so a failed write leaves memory and store at the old status.
 */
export function updateSync(
  w: World,
  ctx: Ctx,
  id: string,
  site: "start" | "exit",
  update: (s: Status) => Status,
  clearUnknown = false,
): WriteResult {
  const cntr = w.cri.containers[id];
  if (!cntr) return { ok: true };
  const next = update({ ...cntr.status });
  const written = writeStatus(w, ctx, id, next);
  if (!written.ok && site === "exit" && copyExitToRecord(w, ctx, id, next).ok) {
    cntr.status = next;
    if (clearUnknown) cntr.unknown = false;
    return { ok: true };
  }
  if (!written.ok) {
    report(ctx, { kind: "situation", situation: site === "start" ? "status write failed at start" : "status write failed at exit" });
    const error = statusWriteError(ctx, id, written.error);
    if (ctx.config.containerd.onRuntimeStatusWriteError === "fail") return { ok: false, error };
    ignored(ctx, id, error);
  }
  cntr.status = next;
  if (clearUnknown) cntr.unknown = false;
  return { ok: true };
}

export type RecoveryStore = "stored" | "memory-only" | { skip: string };

/**
 * restart.go:loadContainer -> WithStatus -> StoreStatus: the checkpoint of every container is
 * rewritten at load, changed or not. A status kept in the metadata record is written only
 * when recovery changed it. `later` takes the checkpoint's rename, which parallel loads delay.
 */
export function storeStatusAtRecovery(w: World, ctx: Ctx, id: string, status: Status, later: Later): RecoveryStore {
  const previous = storedStatus(w, ctx, id);
  if (ctx.config.containerd.statusStore === "metadata-record" && previous && sameStatus(previous, status)) return "stored";
  const written = writeStatus(w, ctx, id, status, later);
  if (written.ok) return "stored";
  if (copyExitToRecord(w, ctx, id, status).ok) return "stored";
  const error = statusWriteError(ctx, id, written.error);
  if (ctx.config.containerd.onRecoveryStatusWriteError === "skip") return { skip: error };
  ignored(ctx, id, error);
  return "memory-only";
}

/** A status held only in memory is written again (variants with rewriteMemoryOnlyStatus). */
export function rewriteMemoryOnlyStatus(w: World, ctx: Ctx, id: string): WriteResult {
  const cntr = w.cri.containers[id];
  if (!cntr || statusIsStored(w, ctx, id)) return { ok: true };
  return writeStatus(w, ctx, id, cntr.status);
}
