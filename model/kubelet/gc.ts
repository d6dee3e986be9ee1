// kuberuntime_gc.go: one pass of the container GC with the default policy (MinAge 0,
// MaxPerPodContainer 1). Running containers are never collected; invisible ones are not seen.
// What a pass removes is found on the world as the pass finds it, before any change: a pass
// with nothing to remove (most of them) changes nothing and needs no draft.
import type { World } from "../world.ts";
import type { Ctx } from "../log.ts";
import { cri } from "../cri/api.ts";
import { visibleContainers, visibleSandboxes, type ContainerView, type SandboxView } from "../cri/list.ts";

const maxPerPodContainer = 1;

/** What one pass removes: the containers evicted, then the sandboxes (found again after the containers go). */
export interface GcPlan {
  containers: ContainerView[];
  /** Only when no container is removed; else the sandboxes are found after the removals. */
  sandboxes: SandboxView[];
}

/** The deciding half of a pass, on the plain world; null when it removes nothing. */
export function planGarbageCollection(w: World): GcPlan | null {
  if (w.cri.phase !== "up") return null;
  const visible = visibleContainers(w);
  const containers = evictableContainers(w, visible);
  if (containers.length > 0) return { containers, sandboxes: [] };
  const sandboxes = evictableSandboxes(w, visible);
  return sandboxes.length > 0 ? { containers, sandboxes } : null;
}

/** The acting half: evictContainers, then evictSandboxes on what the removals left. */
export function garbageCollect(w: World, ctx: Ctx, plan: GcPlan): void {
  for (const c of plan.containers) removeContainer(w, ctx, c);
  const sandboxes = plan.containers.length > 0 ? evictableSandboxes(w, visibleContainers(w)) : plan.sandboxes;
  for (const s of sandboxes) if (cri.stopPodSandbox(w, ctx, s.id).ok) cri.removePodSandbox(w, ctx, s.id);
}

function podGone(w: World, pod: string): boolean {
  const spec = w.kubelet.pods[pod];
  return !spec || spec.deleted;
}

/** evictContainers: per (pod, container name), keep the newest MaxPerPodContainer dead ones. */
function evictableContainers(w: World, visible: readonly ContainerView[]): ContainerView[] {
  const groups = new Map<string, ContainerView[]>();
  for (const c of visible) {
    if (c.state === "CONTAINER_RUNNING") continue;
    const key = `${c.pod}\u0000${c.name}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  const evicted: ContainerView[] = [];
  for (const group of groups.values()) {
    const keep = podGone(w, group[0]!.pod) ? 0 : maxPerPodContainer;
    if (group.length <= keep) continue;
    group.sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
    evicted.push(...group.slice(keep));
  }
  return evicted;
}

/** removeContainer: UNKNOWN ones are killed first; removeContainerLog deletes its N.log too. */
function removeContainer(w: World, ctx: Ctx, c: ContainerView): void {
  if (c.state === "CONTAINER_UNKNOWN" && !cri.stopContainer(w, ctx, c.id).ok) return;
  if (!cri.removeContainer(w, ctx, c.id).ok) return;
  const files = w.kubelet.logs[c.pod]?.[c.name];
  if (files) files.splice(0, files.length, ...files.filter((n) => n !== c.attempt));
}

/** evictSandboxes: not READY, no visible container, and not the newest of a live pod. */
function evictableSandboxes(w: World, containers: readonly ContainerView[]): SandboxView[] {
  const sandboxes = visibleSandboxes(w).sort((a, b) => b.createdAt - a.createdAt);
  return sandboxes.filter((s) => {
    if (s.state === "SANDBOX_READY" || containers.some((c) => c.sandboxId === s.id)) return false;
    const newestOfPod = sandboxes.find((o) => o.pod === s.pod)?.id === s.id;
    return !newestOfPod || podGone(w, s.pod);
  });
}
