// kuberuntime_gc.go: one pass of the container GC with the default policy (MinAge 0,
// MaxPerPodContainer 1). Running containers are never collected; invisible ones are not seen.
import type { World } from "../world.ts";
import type { Ctx } from "../log.ts";
import { cri } from "../cri/api.ts";
import { visibleContainers, visibleSandboxes, type ContainerView } from "../cri/list.ts";

const maxPerPodContainer = 1;

export function garbageCollect(w: World, ctx: Ctx): void {
  if (w.cri.phase !== "up") return;
  evictContainers(w, ctx);
  evictSandboxes(w, ctx);
}

function podGone(w: World, pod: string): boolean {
  const spec = w.kubelet.pods[pod];
  return !spec || spec.deleted;
}

/** evictContainers: per (pod, container name), keep the newest MaxPerPodContainer dead ones. */
function evictContainers(w: World, ctx: Ctx): void {
  const groups = new Map<string, ContainerView[]>();
  for (const c of visibleContainers(w)) {
    if (c.state === "CONTAINER_RUNNING") continue;
    const key = `${c.pod}\u0000${c.name}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const group of groups.values()) {
    group.sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
    const keep = podGone(w, group[0]!.pod) ? 0 : maxPerPodContainer;
    for (const c of group.slice(keep)) removeContainer(w, ctx, c);
  }
}

/** removeContainer: UNKNOWN ones are killed first; removeContainerLog deletes its N.log too. */
function removeContainer(w: World, ctx: Ctx, c: ContainerView): void {
  if (c.state === "CONTAINER_UNKNOWN" && !cri.stopContainer(w, ctx, c.id).ok) return;
  if (!cri.removeContainer(w, ctx, c.id).ok) return;
  const files = w.kubelet.logs[c.pod]?.[c.name];
  if (files) files.splice(0, files.length, ...files.filter((n) => n !== c.attempt));
}

/** evictSandboxes: not READY, no visible container, and not the newest of a live pod. */
function evictSandboxes(w: World, ctx: Ctx): void {
  const containers = visibleContainers(w);
  const sandboxes = visibleSandboxes(w).sort((a, b) => b.createdAt - a.createdAt);
  for (const s of sandboxes) {
    if (s.state === "SANDBOX_READY" || containers.some((c) => c.sandboxId === s.id)) continue;
    const newestOfPod = sandboxes.find((o) => o.pod === s.pod)?.id === s.id;
    if (newestOfPod && !podGone(w, s.pod)) continue;
    if (cri.stopPodSandbox(w, ctx, s.id).ok) cri.removePodSandbox(w, ctx, s.id);
  }
}
