// The persistent filesystem under containerd's root. Every write is all or nothing:
// continuity.AtomicWriteFile writes a temp file and renames it, so a failed write leaves
// the old content (vendor/github.com/containerd/continuity/ioutils.go:AtomicWriteFile).
import type { Disk, World } from "./world.ts";
import type { Status } from "./status.ts";
import { say, sayRoutine, type Ctx } from "./log.ts";

export const criRoot = "/var/lib/containerd/io.containerd.grpc.v1.cri";
export const boltPath = "/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db";

export function containerRootDir(id: string): string {
  return `${criRoot}/containers/${id}`;
}
export function sandboxRootDir(id: string): string {
  return `${criRoot}/sandboxes/${id}`;
}
/** core/runtime/v2 bundle: the task's work dir lives under containerd's root, not its state dir. */
export function taskWorkDir(id: string): string {
  return `/var/lib/containerd/io.containerd.runtime.v2.task/k8s.io/${id}`;
}
export function statusPath(id: string): string {
  return `${containerRootDir(id)}/status`;
}

export type WriteResult = { ok: true } | { ok: false; error: string };

const enospc = "no space left on device";

/** Takes one write's worth of room; false when the disk has none (ENOSPC). */
function takeRoom(disk: Disk): boolean {
  if (disk.room === null) return true;
  if (disk.room === 0) return false;
  disk.room -= 1;
  return true;
}

/** os.MkdirAll of a containerd directory: needs a free block. */
export function mkdirAll(w: World, ctx: Ctx, path: string): WriteResult {
  if (takeRoom(w.disk)) return { ok: true };
  say(ctx, "cri", `mkdir ${path}: ENOSPC`, "disk");
  return { ok: false, error: `mkdir ${path}: ${enospc}` };
}

/** A bolt transaction that adds data (meta.db grows, so it can fail on a full disk). */
export function boltWrite(w: World, ctx: Ctx): WriteResult {
  if (takeRoom(w.disk)) return { ok: true };
  say(ctx, "metadata", `bolt commit: ENOSPC`, "disk");
  return { ok: false, error: `write ${boltPath}: ${enospc}` };
}

/**
 * client.NewContainer with WithNewSnapshot: the overlayfs snapshotter makes the new
 * snapshot's dir, then bolt stores the record. On a full disk the snapshot dir is what fails
 * (seen on the real daemon: "failed to create prepare snapshot dir: failed to create temp dir:
 * mkdir .../snapshots/new-...: no space left on device").
 */
export function newContainerRecord(w: World, ctx: Ctx, id: string): WriteResult {
  const snapshot = mkdirAll(w, ctx, `/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/new-${id}`);
  if (!snapshot.ok) return { ok: false, error: `failed to create prepare snapshot dir: failed to create temp dir: ${snapshot.error}` };
  return boltWrite(w, ctx);
}

/** continuity.AtomicWriteFile of containers/<id>/status. */
export function writeCheckpoint(w: World, ctx: Ctx, id: string, status: Status): WriteResult {
  if (!takeRoom(w.disk)) {
    say(ctx, "cri", `write status of ${id}: ENOSPC, old checkpoint kept`, "disk");
    return { ok: false, error: `write ${containerRootDir(id)}/.tmp-status: ${enospc}` };
  }
  w.disk.checkpoints[id] = { ...status };
  sayRoutine(ctx, "cri", `write status of ${id}: ok`, "disk");
  return { ok: true };
}

/** store/container/status.go:Delete (rename + RemoveAll): needs no free space. */
export function deleteCheckpoint(w: World, id: string): void {
  delete w.disk.checkpoints[id];
}
