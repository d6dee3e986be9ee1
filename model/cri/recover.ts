// containerd start and stop as the CRI plugin lives them: service.go:Run calls recover()
// (internal/cri/server/restart.go); an error is fatal for the whole daemon
// (plugins/cri/cri.go: log.Fatal "Failed to run CRI service").
import type { World, ContainerRecord } from "../world.ts";
import { emptyCri, now } from "../world.ts";
import { reserve } from "../registrar.ts";
import { collectGarbage, removeContainerRootDir, type Later } from "../disk.ts";
import { deleteTask, loadShims, lookupTask } from "../shim.ts";
import { containerdLog, report, say, type Ctx } from "../log.ts";
import { loadContainerStatus, type Recovered } from "./load-container.ts";
import { storeStatusAtRecovery, storedStatus } from "./status-store.ts";

/** containerd exits (SIGTERM): the CRI plugin's memory is gone, shims and their tasks live on. */
export function stopContainerd(w: World, ctx: Ctx): void {
  if (w.cri.phase !== "up") {
    say(ctx, "cri", "containerd is not running");
    return;
  }
  w.cri = emptyCri("down");
  say(ctx, "cri", "containerd stopped; CRI store, name indexes, exit back-off queue and calls in flight lost; shims keep running");
}

/** How recover() schedules its container loads (containerd.start's `order` and `parallel`). */
export interface Loads {
  /** Container ids loaded first, in this order; every other one follows in creation order. */
  order: readonly string[];
  /** Loads run in waves of this many (1: one load at a time); unset: as the release loads them. */
  parallel?: number;
}

/** containerd starts: service.go:Run -> recover(). */
export function startContainerd(w: World, ctx: Ctx, loads: Loads): void {
  if (w.cri.phase === "up") {
    say(ctx, "cri", "containerd is already running");
    return;
  }
  loadShims(w, ctx);
  w.cri = emptyCri("up");
  const error = recover(w, ctx, loads);
  if (error === null) {
    say(ctx, "cri", "CRI plugin initialized");
    // The scheduler's start-up collection, 100 ms in: after recover() has loaded (restart.go runs first).
    collectGarbage(w, ctx);
    return;
  }
  const fatal = `failed to recover state: ${error}`;
  containerdLog(ctx, "fatal", "Failed to run CRI service", fatal);
  w.cri = emptyCri("failed", fatal);
}

/** restart.go:recover. Returns the error that makes it fail, or null. */
function recover(w: World, ctx: Ctx, { order, parallel: named }: Loads): string | null {
  // Phase 1: sandboxes first (podsandbox/recover.go:RecoverContainer), names reserved.
  for (const record of byCreation(Object.values(w.metadata.sandboxes))) {
    const task = lookupTask(w, record.id);
    // A pause task that is not running is deleted; the sandbox is NOTREADY. No file is written.
    if (task.kind !== "running") deleteTask(w, ctx, record.id);
    w.cri.sandboxes[record.id] = { id: record.id, state: task.kind === "running" ? "READY" : "NOTREADY" };
    const reserved = reserve(w.cri.sandboxNames, record.name, record.id);
    if (!reserved.ok) return `failed to reserve sandbox name ${JSON.stringify(record.name)}: ${reserved.error}`;
  }
  // Phase 4: containerd 1.6 loads the containers one at a time (pkg/cri/server/restart.go:
  // recover, a plain loop in the order the metadata store lists them, by id); 1.7 and later
  // load them in parallel (an errgroup since commit a5dfbfcf5, "cri: load sandboxes/containers/
  // images in parallel"). The model takes the loads in `order`, then creation order, and each
  // load's containerStore.Add + Reserve follows in that order. What the interleaving changes is space: a load deletes a created or stopped task
  // (freeing its work dir), writes its temp status file (taking a block), then renames it
  // (freeing the old file's block). The loads run in waves of `parallel`: in a wave every load
  // inspects and deletes its task, then every one writes its temp file (in order), then every
  // rename runs. parallel 1 is one load at a time; a wave of every container writes every temp
  // file before any rename; within a wave a load's temp file can take the block another load's
  // task delete freed before that load writes its own. Covered: these, in any order of the
  // loads. Not covered: a temp write before another load's task delete in the same wave (one
  // load at a time in that order gives the same frees, later).
  const loaded: ContainerRecord[] = [];
  const records = loadOrder(w, order);
  // Without a trace's `parallel`: one at a time on 1.6.20, one wave of every load on 1.7 (the
  // errgroup starts a goroutine per container at once; 1.7 pkg/cri/server/restart.go:recover).
  const parallel = named ?? (ctx.config.release.defaultLoads === "all-at-once" ? Math.max(1, records.length) : 1);
  // 1.6.20's loop reserves each name right after its load and returns at the first conflict,
  // so later containers are not loaded (restart.go:recover); 1.7's errgroup has started every
  // load, and eg.Wait returns the first conflict once all are done.
  const stopsAtConflict = ctx.config.release.defaultLoads === "one-at-a-time" && parallel === 1;
  for (let first = 0; first < records.length; first += parallel) {
    const wave = records.slice(first, first + parallel);
    const writes = wave.map((record) => beginLoad(w, ctx, record));
    const renames: (() => void)[] = [];
    for (const [i, write] of writes.entries()) if (write((then) => renames.push(then))) loaded.push(wave[i]!);
    for (const then of renames) then();
    const conflict = stopsAtConflict ? reserveNames(w, ctx, loaded.splice(0)) : null;
    if (conflict !== null) return conflict;
  }
  const conflict = reserveNames(w, ctx, loaded);
  if (conflict !== null) return conflict;
  // Phase 6: cleanupOrphanedIDDirs removes root dirs of ids without a containerd container.
  for (const id of Object.keys(w.disk.checkpoints)) if (!w.metadata.containers[id]) removeContainerRootDir(w, ctx, id);
  return null;
}

/** containerNameIndex.Reserve of each loaded container's name: the first conflict, or null. */
function reserveNames(w: World, ctx: Ctx, loaded: readonly ContainerRecord[]): string | null {
  for (const record of loaded) {
    const reserved = reserve(w.cri.containerNames, record.name, record.id);
    if (reserved.ok) continue;
    report(ctx, { kind: "situation", situation: "name conflict at recovery" });
    return `failed to reserve container name ${JSON.stringify(record.name)}: ${reserved.error}`;
  }
  return null;
}

/**
 * restart.go:loadContainer, then containerStore.Add: the task inspected (and deleted) now, the
 * status stored by the function returned, which says false when the container is skipped.
 */
function beginLoad(w: World, ctx: Ctx, record: ContainerRecord): (later: Later) => boolean {
  const { id } = record;
  const task = lookupTask(w, id);
  const sandboxKnown = w.cri.sandboxes[record.sandboxId] !== undefined;
  const recovered = loadContainerStatus(storedStatus(w, ctx, id), task, now(w), sandboxKnown, ctx.config.containerd.recoverExitFromStoppedTask);
  if (recovered.loadError !== null) containerdLog(ctx, "error", `Failed to load container status for ${JSON.stringify(id)}`, recovered.loadError);
  // A created task is killed and deleted at once; a stopped one, which holds the exit code,
  // only after the recovered status is stored if the variant says so.
  const holdStoppedTask = task.kind === "stopped" && ctx.config.containerd.deleteStoppedTask === "after-status-stored";
  if (recovered.deleteTask && !holdStoppedTask) deleteTask(w, ctx, id);
  return (later) => storeLoaded(w, ctx, id, recovered, holdStoppedTask, later);
}

function storeLoaded(w: World, ctx: Ctx, id: string, recovered: Recovered, holdStoppedTask: boolean, later: Later): boolean {
  // WithStatus: the status is rewritten for every container, even if nothing changed.
  const stored = storeStatusAtRecovery(w, ctx, id, recovered.status, later);
  if (typeof stored === "object") {
    report(ctx, { kind: "situation", situation: "container skipped at recovery" });
    containerdLog(ctx, "error", `Failed to load container ${JSON.stringify(id)}`, stored.skip);
    say(ctx, "cri", `container ${id} skipped: not in the CRI store, name not reserved, its task untouched`);
    return false;
  }
  if (recovered.deleteTask && holdStoppedTask && stored === "stored") later(() => deleteTask(w, ctx, id));
  w.cri.containers[id] = { id, status: recovered.status, unknown: recovered.unknown, exitMonitor: recovered.exitMonitor, ...(recovered.ioClosed ? { ioClosed: true as const } : {}) };
  return true;
}

function byCreation<T extends { createdAt: number }>(records: T[]): T[] {
  return records.sort((a, b) => a.createdAt - b.createdAt);
}

/** containerd.start's `order` first, then every other record in creation order. */
function loadOrder(w: World, order: readonly string[]): ContainerRecord[] {
  const first = order.flatMap((id) => {
    const record = w.metadata.containers[id];
    return record ? [record] : [];
  });
  const rest = byCreation(Object.values(w.metadata.containers)).filter((r) => !order.includes(r.id));
  return [...first, ...rest];
}
