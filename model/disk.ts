// The filesystems under containerd's root, counted in blocks. Every write is all or nothing:
// continuity.AtomicWriteFile writes a temp file and renames it over the old one, so a failed
// write leaves the old content (vendor/github.com/containerd/continuity/ioutils.go:
// atomicWriteFile), and the rename frees the old file's blocks. A filesystem's free blocks
// are counted only once a trace made it nearly full (disk.fill): before that, writes fit.
import type { Disk, World } from "./world.ts";
import type { Status } from "./status.ts";
import type { ContainerdVariant } from "./variants/containerd.ts";
import { say, sayRoutine, type Ctx } from "./log.ts";

export const criRoot = "/var/lib/containerd/io.containerd.grpc.v1.cri";
export const boltPath = "/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db";
const snapshotsDir = "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots";

/**
 * "split": the CRI plugin's directory (container and sandbox root dirs, status checkpoints)
 * is a filesystem of its own inside the root, as the conformance harness's "split-cri"
 * layout makes it; "shared": one filesystem for containerd's whole root, as in production,
 * where a task delete or a rename frees blocks that a later write of any kind can take.
 */
export const diskLayouts = ["split", "shared"] as const;
export type DiskLayout = (typeof diskLayouts)[number];

/** The filesystems a trace can name: containerd's root, and the one holding the CRI plugin's dir. */
export const filesystemNames = ["root", "cri"] as const;
export type FsName = (typeof filesystemNames)[number];

export interface DiskConfig {
  layout: DiskLayout;
  /** Bytes per block: 1024 as mkfs.ext4 makes the harness's small filesystems, 4096 typical. */
  blockBytes: number;
}

export const splitDisk: DiskConfig = { layout: "split", blockBytes: 1024 };

/**
 * What bbolt's freelist holds for the commits made while the disk is nearly full, a choice
 * (disk.fill's and disk.room's `freelist`) because it depends on every commit since meta.db
 * was made, which the model does not follow: "grow", no freed run fits, so a record's first
 * rewrite takes a page and a new container's or sandbox's commits four; "reuse", the pages
 * earlier commits freed fit (bbolt freelist.go:allocate returns them before db.allocate grows
 * the file) and they take none.
 */
export const freelistChoices = ["grow", "reuse"] as const;
export type Freelist = (typeof freelistChoices)[number];

/** The filesystem that holds `fs`'s files under this layout: under "shared", the root. */
export function filesystemOf(ctx: Ctx, fs: FsName): FsName {
  return ctx.config.disk.layout === "split" ? fs : "root";
}

/** Blocks a file of `bytes` takes: at least one (ext4 keeps no data inline by default). */
const blocksFor = (bytes: number, blockBytes: number) => Math.max(1, Math.ceil(bytes / blockBytes));

/** A JSON status checkpoint is a few hundred bytes (store/container/status.go:encode, versionedStatus). */
const statusBytes = 512;
/**
 * preallocated-status: the status file's two slots, each big enough for an encoded status (a
 * longer Message is cut to fit): 2 KiB in all, one block of a 4 KiB filesystem, two of the
 * harness's 1 KiB ones.
 */
const statusSlotBytes = 1024;
/**
 * bbolt's page size: the OS page size (bbolt db.go:Open, os.Getpagesize). meta.db grows sparse
 * (db.go:grow only truncates), so a page takes its blocks when a commit writes it (tx.go:write).
 */
const boltPageBytes = 4096;

/** What containerd keeps under its root, where, and its size in blocks. */
const things = {
  // pkg/cri/server/container_create.go:CreateContainer: c.os.MkdirAll(containerRootDir): one directory block.
  containerDir: { fs: "cri", blocks: () => 1 },
  // pkg/cri/store/container/status.go:StoreStatus and UpdateSync: continuity.AtomicWriteFile(<root dir>/status).
  status: { fs: "cri", blocks: (b: number) => blocksFor(statusBytes, b) },
  // preallocated-status.patch, store/container/status.go:PreallocateStatus from container_create.go,
  // right after MkdirAll(containerRootDir): both slots written (zeros) and fsynced once.
  preallocatedStatus: { fs: "cri", blocks: (b: number) => blocksFor(2 * statusSlotBytes, b) },
  // pkg/cri/server/sandbox_run.go:RunPodSandbox MkdirAll(sandboxRootDir), then sandbox_run_linux.go:
  // setupSandboxFiles: hostname, hosts and resolv.conf, a block each; the shm dir is under the
  // volatile state dir (getSandboxDevShm), a tmpfs. Four blocks, measured on the packaged daemon.
  sandboxDir: { fs: "cri", blocks: () => 4 },
  // runtime/v2/bundle.go:NewBundle: os.Mkdir(work) under the root (the bundle itself, config.json
  // and rootfs, is under the state dir, a tmpfs); Bundle.Delete removes it when the task is deleted.
  taskWorkDir: { fs: "root", blocks: () => 1 },
  // snapshots/overlay/overlay.go:prepareDirectory: new-<n>, new-<n>/fs and new-<n>/work; then
  // work/work, which overlayfs makes when the spec's user lookup mounts the rootfs
  // (pkg/cri/opts/spec_linux.go:WithAdditionalGIDs -> oci.WithAdditionalGIDs: mount.WithTempMount).
  // Four blocks, measured for every create and sandbox on the packaged daemon.
  snapshot: { fs: "root", blocks: () => 4 },
  // client.NewContainer's commits (client/client.go:NewContainer): a lease, the snapshot's
  // record, the container's record with its OCI spec (several KiB: overflow pages), the lease's
  // delete. Each writes its changed nodes into runs of bbolt's freelist when one fits, else at
  // the end of meta.db (tx.go:Commit -> node.spill -> tx.allocate; freelist.go:allocate). Under
  // the freelist choice "grow", four pages: meta.db grew by 4 pages for most CreateContainers
  // and RunPodSandboxes on a fresh 1 KiB root (packaged daemon, st_blocks per call; the first
  // create 5, a create after a sandbox 3). Under "reuse", none: a create right after a
  // RemoveContainer took no new page (boltRecordAdd).
  boltRecordAdd: { fs: "root", blocks: (b: number) => 4 * blocksFor(boltPageBytes, b) },
  // The first record a fresh root's meta.db gets (the first RunPodSandbox's), whatever the
  // choice: two pages, where the image import's commits left some freed (measured on four fresh
  // roots: 2, 2, 2 and 1 page, the first create after it 4, 4, 4 and 5).
  boltFirstRecordAdd: { fs: "root", blocks: (b: number) => 2 * blocksFor(boltPageBytes, b) },
  // The first commit that rewrites a record: bbolt copies the record's pages (tx.go:Commit ->
  // node.spill -> tx.allocate), its spec's run of overflow pages among them, and no freed run
  // fits it yet, so meta.db grows by a page: measured on long-term's patched daemon, whose
  // StartContainer rewrites the record's status (meta.db +4 KiB at the first start, +0 at the
  // exit after it). Under "reuse" the pages an earlier rewrite of another record freed fit (a
  // second container's first start took none). A later rewrite takes the run its previous one
  // freed: no new block, even on a full disk (exit-on-full-disk.json, stop-on-full-disk.json),
  // where a first one fails (start-on-full-disk.json, crash-startContainer-task-started.json).
  boltFirstRecordUpdate: { fs: "root", blocks: (b: number) => blocksFor(boltPageBytes, b) },
} satisfies Record<string, { fs: FsName; blocks: (blockBytes: number) => number }>;

type Thing = keyof typeof things;

/**
 * Directories a fresh root lacks until the first of their kind is made, one block each, which
 * then stay (measured on the packaged daemon: none exists after the image import): the CRI
 * plugin's own dir (under the split layout the CRI filesystem's root, always there), its
 * sandboxes/ and containers/ dirs (os.MkdirAll of a sandbox's or container's root dir makes
 * them), and the task dirs' namespace dir (runtime/v2/bundle.go:NewBundle: os.MkdirAll of the
 * work dir's parent, io.containerd.runtime.v2.task/k8s.io).
 */
export const parentDirs = ["cri", "sandboxes", "containers", "tasks"] as const;
export type ParentDir = (typeof parentDirs)[number];

/** The parent dirs on each thing's path, per layout (under "split" the CRI filesystem's root is there). */
const parentPaths: Record<DiskLayout, Partial<Record<Thing, readonly ParentDir[]>>> = {
  split: { containerDir: ["containers"], sandboxDir: ["sandboxes"], taskWorkDir: ["tasks"] },
  shared: { containerDir: ["cri", "containers"], sandboxDir: ["cri", "sandboxes"], taskWorkDir: ["tasks"] },
};

/** The parent dirs a thing's MkdirAll makes: those of its path not yet on disk. */
function parentsOf(ctx: Ctx, disk: Disk, thing: Thing): readonly ParentDir[] {
  return parentPaths[ctx.config.disk.layout][thing]?.filter((d) => !disk.made.includes(d)) ?? [];
}

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

/**
 * One write of a thing: its blocks on its filesystem. Fails with ENOSPC when the disk.room
 * budget (room for N more writes, whatever their size) is spent or the filesystem has fewer
 * free blocks than the thing takes.
 */
function allocate(ctx: Ctx, disk: Disk, thing: Thing): boolean {
  const fs = filesystemOf(ctx, things[thing].fs);
  const blocks = things[thing].blocks(ctx.config.disk.blockBytes);
  const free = disk.free[fs];
  if (disk.room === 0) return false;
  // A parent made before the thing failed stays: the deferred RemoveAll takes only the thing's own dir.
  const parents = parentsOf(ctx, disk, thing);
  const madeParents = free === null ? parents : parents.slice(0, free);
  if (madeParents.length > 0) disk.made.push(...madeParents);
  const left = free === null ? null : free - madeParents.length;
  if (left !== null && (madeParents.length < parents.length || left < blocks)) {
    disk.free[fs] = left;
    return false;
  }
  if (disk.room !== null) disk.room -= 1;
  if (left !== null) disk.free[fs] = left - blocks;
  return true;
}

/** A thing is removed: its blocks are free again. */
function release(ctx: Ctx, disk: Disk, thing: Thing): void {
  const fs = filesystemOf(ctx, things[thing].fs);
  const free = disk.free[fs];
  if (free !== null) disk.free[fs] = free + things[thing].blocks(ctx.config.disk.blockBytes);
}

function mkdirAll(w: World, ctx: Ctx, thing: Thing, path: string): WriteResult {
  if (allocate(ctx, w.disk, thing)) return { ok: true };
  say(ctx, "cri", `mkdir ${path}: ENOSPC`, "disk");
  return { ok: false, error: `mkdir ${path}: ${enospc}` };
}

/**
 * container_create.go: MkdirAll(containerRootDir); with a preallocated status file
 * (preallocated-status.patch) the file is made with it, and the deferred RemoveAll takes the
 * dir again when the file does not fit.
 */
export function makeContainerRootDir(w: World, ctx: Ctx, id: string): WriteResult {
  const dir = mkdirAll(w, ctx, "containerDir", containerRootDir(id));
  if (!dir.ok || ctx.config.containerd.statusStore !== "preallocated-file") return dir;
  if (allocate(ctx, w.disk, "preallocatedStatus")) return dir;
  release(ctx, w.disk, "containerDir");
  say(ctx, "cri", `preallocate ${statusPath(id)}: ENOSPC`, "disk");
  return { ok: false, error: `failed to preallocate status file ${JSON.stringify(statusPath(id))}: write ${statusPath(id)}: ${enospc}` };
}
export function makeSandboxRootDir(w: World, ctx: Ctx, id: string): WriteResult {
  const made = mkdirAll(w, ctx, "sandboxDir", sandboxRootDir(id));
  if (made.ok) w.disk.sandboxDirs.push(id);
  return made;
}
export const makeTaskWorkDir = (w: World, ctx: Ctx, id: string) => mkdirAll(w, ctx, "taskWorkDir", taskWorkDir(id));

/** The blocks a task's work dir takes while the task exists (model/resources.ts counts them). */
export const taskWorkDirBlocks = (disk: DiskConfig) => blocksOf("taskWorkDir", disk);

function blocksOf(thing: Thing, disk: DiskConfig): number {
  return things[thing].blocks(disk.blockBytes);
}

/** The most blocks any one write takes (a new container's bolt commits): bounds conformance's search for disk.room's blocks. */
export const largestWriteBlocks = (disk: DiskConfig) => Math.max(...(Object.keys(things) as Thing[]).map((t) => blocksOf(t, disk)));

/**
 * Blocks a container's status takes in the CRI plugin's dir while it exists: the checkpoint
 * file (one block at a time; its rewrite takes a second one until the rename), the preallocated
 * file, or none when it lives in the metadata record.
 */
export function statusFileBlocks(store: ContainerdVariant["statusStore"], blockBytes: number): number {
  if (store === "metadata-record") return 0;
  return things[store === "preallocated-file" ? "preallocatedStatus" : "status"].blocks(blockBytes);
}

/** runtime/v2/bundle.go:Bundle.Delete (task.Delete): the work dir's block is freed. */
export function removeTaskWorkDir(w: World, ctx: Ctx): void {
  release(ctx, w.disk, "taskWorkDir");
}

/**
 * A bolt transaction that rewrites an existing record (a container's Update); `first`: the
 * record has not been rewritten since it was created (boltFirstRecordUpdate).
 */
export function boltRecordUpdate(w: World, ctx: Ctx, first: boolean): WriteResult {
  return first ? boltCommit(w, ctx, "boltFirstRecordUpdate") : { ok: true };
}

/**
 * client.NewContainer's bolt commits: meta.db grows by several pages unless its freelist holds
 * them, which a fresh root's does not for its first record.
 */
function boltRecordAdd(w: World, ctx: Ctx): WriteResult {
  if (w.disk.recordsAdded) return boltCommit(w, ctx, "boltRecordAdd");
  const first = allocatePages(w, ctx, "boltFirstRecordAdd");
  if (first.ok) w.disk.recordsAdded = true;
  return first;
}

/** A commit that grows meta.db by `thing`'s pages, or none when the freelist choice is "reuse". */
function boltCommit(w: World, ctx: Ctx, thing: "boltRecordAdd" | "boltFirstRecordUpdate"): WriteResult {
  // tx.go:Commit -> node.spill -> tx.allocate: pages from the freelist first, blocks already in meta.db.
  return w.disk.freelist === "reuse" ? { ok: true } : allocatePages(w, ctx, thing);
}

/** meta.db's new pages get their blocks when the commit writes them (tx.go:write), or ENOSPC. */
function allocatePages(w: World, ctx: Ctx, thing: "boltRecordAdd" | "boltFirstRecordAdd" | "boltFirstRecordUpdate"): WriteResult {
  if (allocate(ctx, w.disk, thing)) return { ok: true };
  say(ctx, "metadata", `bolt commit: ENOSPC`, "disk");
  return { ok: false, error: `write ${boltPath}: ${enospc}` };
}

/**
 * client.NewContainer with WithNewSnapshot: the overlayfs snapshotter makes the new
 * snapshot's dir, then bolt stores the record. On a full disk the snapshot dir is what fails
 * (seen on the real daemon: "failed to create prepare snapshot dir: failed to create temp dir:
 * mkdir .../snapshots/new-...: no space left on device"). A snapshot made before the bolt
 * commit failed is left to the garbage collector: NewContainer's lease, which held it, is deleted.
 */
export function newContainerRecord(w: World, ctx: Ctx, id: string): WriteResult {
  const snapshot = mkdirAll(w, ctx, "snapshot", `${snapshotsDir}/new-${id}`);
  if (!snapshot.ok) return { ok: false, error: `failed to create prepare snapshot dir: failed to create temp dir: ${snapshot.error}` };
  const record = boltRecordAdd(w, ctx);
  if (!record.ok) w.disk.collectable += 1;
  return record;
}

/**
 * container.Delete(WithSnapshotCleanup): the record goes (bolt's file never shrinks) and with
 * it the snapshot's, but its dirs stay until the garbage collector's next round (collectGarbage):
 * metadata/snapshot.go:Remove only marks the snapshotter dirty.
 */
export function removeContainerRecord(w: World): void {
  w.disk.collectable += 1;
}

/**
 * The garbage collector's round: the snapshots no record references are removed and their
 * blocks freed (metadata/gc.go, garbageCollect -> cleanupSnapshotter). While deletions wait, the
 * scheduler collects once per interval, about a second here (gc/scheduler/scheduler.go: run, the
 * average collection time over pause_threshold 0.02), and once at start-up (startup_delay 100ms).
 * Measured on the packaged daemon: a removed container's snapshot was still there two
 * CreateContainers later, and gone within a 1 s clock.tick.
 */
export function collectGarbage(w: World, ctx: Ctx): void {
  if (w.disk.collectable === 0) return;
  for (let n = 0; n < w.disk.collectable; n++) release(ctx, w.disk, "snapshot");
  sayRoutine(ctx, "metadata", `garbage collected: ${w.disk.collectable} snapshot(s) removed`, "disk");
  w.disk.collectable = 0;
}

/**
 * What happens after a temp status file is written: the rename over the old file (which
 * frees its blocks) and what its caller does next. Recovery's parallel loads hold it back
 * (cri/recover.ts); elsewhere it runs at once.
 */
export type Later = (then: () => void) => void;
const atOnce: Later = (then) => then();

/** continuity.AtomicWriteFile of containers/<id>/status: the temp file, then the rename. */
export function writeCheckpoint(w: World, ctx: Ctx, id: string, status: Status, later: Later = atOnce): WriteResult {
  if (!allocate(ctx, w.disk, "status")) {
    say(ctx, "cri", `write status of ${id}: ENOSPC, old checkpoint kept`, "disk");
    return { ok: false, error: `write ${containerRootDir(id)}/.tmp-status: ${enospc}` };
  }
  const replaces = w.disk.checkpoints[id] !== undefined;
  w.disk.checkpoints[id] = { ...status };
  sayRoutine(ctx, "cri", `write status of ${id}: ok`, "disk");
  later(() => {
    if (replaces) release(ctx, w.disk, "status");
  });
  return { ok: true };
}

/**
 * store/container/status.go:statusStorage.UpdateSync with preallocated-status.patch: the
 * status goes into the older slot of the file preallocated at create (WriteAt, fsync), which
 * needs no block; a torn write leaves the other slot, the previous status, valid.
 */
export function writeStatusSlot(w: World, ctx: Ctx, id: string, status: Status): WriteResult {
  w.disk.checkpoints[id] = { ...status };
  sayRoutine(ctx, "cri", `write status of ${id} into its preallocated slot: ok`, "disk");
  return { ok: true };
}

/**
 * The container's root dir goes with its checkpoint (container_remove.go: RemoveAll of the
 * root dir after store/container/status.go:Delete; restart.go:cleanupOrphanedIDDirs): no space
 * needed, their blocks are freed.
 */
export function removeContainerRootDir(w: World, ctx: Ctx, id: string): void {
  // A preallocated status file exists with its dir, whether a slot was written or not.
  if (ctx.config.containerd.statusStore === "preallocated-file") release(ctx, w.disk, "preallocatedStatus");
  else if (w.disk.checkpoints[id] !== undefined) release(ctx, w.disk, "status");
  delete w.disk.checkpoints[id];
  release(ctx, w.disk, "containerDir");
}

/** sandbox_remove.go:RemovePodSandbox: RemoveAll(sandboxRootDir) frees the sandbox's files. */
export function removeSandboxRootDir(w: World, ctx: Ctx, id: string): void {
  // A RunPodSandbox that died or rolled back may have left a record without its dir.
  if (!w.disk.sandboxDirs.includes(id)) return;
  w.disk.sandboxDirs = w.disk.sandboxDirs.filter((d) => d !== id);
  release(ctx, w.disk, "sandboxDir");
}
