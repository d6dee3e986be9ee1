// kuberuntime_manager.go:GetPodStatus: the pod's sandboxes and containers as the runtime
// lists them, newest first (kuberuntime/helpers.go: containerStatusByCreated, sandboxByCreated).
import type { World } from "../world.ts";
import { visibleContainers, visibleSandboxes, type ContainerView, type SandboxView } from "../cri/list.ts";

export interface PodStatus {
  sandboxes: SandboxView[];
  containers: ContainerView[];
}

function newestFirst(a: { createdAt: number }, b: { createdAt: number }): number {
  return b.createdAt - a.createdAt;
}

export function getPodStatus(w: World, pod: string): PodStatus {
  return {
    sandboxes: visibleSandboxes(w).filter((s) => s.pod === pod).sort(newestFirst),
    containers: visibleContainers(w).filter((c) => c.pod === pod).sort(newestFirst),
  };
}

/** pkg/kubelet/container/runtime.go:FindContainerStatusByName: the first, i.e. newest, match. */
export function findContainerStatusByName(status: PodStatus, name: string): ContainerView | undefined {
  return status.containers.find((c) => c.name === name);
}
