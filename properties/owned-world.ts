// The exhaustive checker's worlds, stepped in place: each successor is stepped on the checker's
// own deep copy of its parent's world, made when the event first writes (step.ts own; the path
// the bench's ceiling runs and shows equal to immer's), so an event that writes nothing costs
// no copy and gives back the parent's world; a successor the checker stores then takes from its parent every
// part equal to the parent's, so stored states share what did not change, as immer's do. The
// world is plain JSON-like data (design.md), so a comparison needs nothing but objects, arrays
// and primitives.
import type { ContainerRecord, CriContainer, Pod, World } from "../model/world.ts";
import type { Status } from "../model/status.ts";

/**
 * A deep copy of the world, the copy the checker owns: written out part by part (a generic
 * copy takes twice as long). Every object and array is new, so no
 * change in place reaches the parent; owned-world.test.ts holds that for every field.
 */
export function ownCopy(w: World): World {
  const { disk, metadata, shim, cri, kubelet, faults } = w;
  return {
    disk: { ...disk, free: { ...disk.free }, checkpoints: each(disk.checkpoints, copyStatus), sandboxDirs: [...disk.sandboxDirs], made: [...disk.made] },
    metadata: { containers: each(metadata.containers, copyRecord), sandboxes: each(metadata.sandboxes, copyFlat) },
    shim: { tasks: each(shim.tasks, copyFlat), processes: each(shim.processes, copyFlat) },
    cri: {
      ...cri,
      containers: each(cri.containers, copyCriContainer),
      sandboxes: each(cri.sandboxes, copyFlat),
      containerNames: { ...cri.containerNames },
      sandboxNames: { ...cri.sandboxNames },
      backoff: cri.backoff.map(copyFlat),
      inFlight: cri.inFlight.map(copyFlat),
    },
    kubelet: {
      pods: each(kubelet.pods, copyPod),
      logs: each(kubelet.logs, copyLogs),
      waiting: each(kubelet.waiting, copyFlat),
      refused: each(kubelet.refused, copyFlat),
      timedOut: { ...kubelet.timedOut },
    },
    faults: { crash: faults.crash && { ...faults.crash }, hangs: faults.hangs.map(copyFlat), shim: [...faults.shim] },
    clock: { ...w.clock },
    nextId: w.nextId,
  };
}

/** A copy of each entry of an object keyed by ids or labels. */
function each<T>(entries: Record<string, T>, copy: (entry: T) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key in entries) out[key] = copy(entries[key]!);
  return out;
}

function copyFlat<T extends object>(entry: T): T {
  return { ...entry };
}

function copyStatus(s: Status): Status {
  return { ...s };
}

function copyRecord(r: ContainerRecord): ContainerRecord {
  return r.status ? { ...r, status: { ...r.status } } : { ...r };
}

function copyCriContainer(c: CriContainer): CriContainer {
  return { ...c, status: { ...c.status } };
}

function copyPod(p: Pod): Pod {
  return { ...p, containers: [...p.containers] };
}

function copyLogs(byContainer: Record<string, number[]>): Record<string, number[]> {
  return each(byContainer, (files) => [...files]);
}

/**
 * `next` (the checker's own, changed in place) with each part deep-equal to `prev`'s replaced
 * by prev's: prev itself when nothing differs. Only `next` is written; prev may be frozen.
 */
export function shareUnchanged<T>(next: T, prev: T): T {
  return share(next, prev) as T;
}

function share(next: unknown, prev: unknown): unknown {
  if (next === prev || typeof next !== "object" || next === null || typeof prev !== "object" || prev === null) return next;
  if (Array.isArray(next) !== Array.isArray(prev)) return next;
  if (Array.isArray(next)) {
    const before = prev as unknown[];
    let same = next.length === before.length;
    for (let i = 0; i < next.length; i++) {
      if (i >= before.length) continue;
      const part = share(next[i], before[i]);
      next[i] = part;
      if (part !== before[i]) same = false;
    }
    return same ? prev : next;
  }
  const now = next as Record<string, unknown>;
  const before = prev as Record<string, unknown>;
  let same = true;
  for (const key in now) {
    if (!(key in before)) {
      same = false;
      continue;
    }
    const part = share(now[key], before[key]);
    now[key] = part;
    if (part !== before[key]) same = false;
  }
  if (!same) return next;
  // Every key of next is prev's, with an equal value: equal when prev has no other key.
  for (const key in before) if (!(key in now)) return next;
  return prev;
}
