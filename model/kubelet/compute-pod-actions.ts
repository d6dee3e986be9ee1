// kuberuntime_manager.go:computePodActions as a pure function of the pod spec and status.
import type { Pod } from "../world.ts";
import type { ContainerView } from "../cri/list.ts";
import { findContainerStatusByName, type PodStatus } from "./pod-status.ts";

export interface PodActions {
  /** Stop every visible container and sandbox of the pod first (killPodWithSyncResult). */
  killPod: boolean;
  /** Create a new sandbox with this attempt; null keeps `sandboxId`. */
  createSandbox: number | null;
  sandboxId: string | null;
  containersToKill: string[];
  containersToStart: string[];
}

/** kuberuntime/util/util.go:PodSandboxChanged: no sandbox, several READY ones, or the newest not READY. */
function podSandboxChanged(status: PodStatus): boolean {
  const [newest] = status.sandboxes;
  if (!newest) return true;
  const ready = status.sandboxes.filter((s) => s.state === "SANDBOX_READY").length;
  return ready > 1 || newest.state !== "SANDBOX_READY";
}

/** pkg/kubelet/container/helpers.go:ShouldContainerBeRestarted. */
export function shouldContainerBeRestarted(pod: Pod, newest: ContainerView | undefined): boolean {
  if (pod.deleted) return false;
  if (!newest) return true;
  if (newest.state === "CONTAINER_RUNNING") return false;
  if (newest.state === "CONTAINER_UNKNOWN" || newest.state === "CONTAINER_CREATED") return true;
  if (pod.restartPolicy === "Never") return false;
  if (pod.restartPolicy === "OnFailure" && newest.exitCode === 0) return false;
  return true;
}

export function computePodActions(pod: Pod, status: PodStatus): PodActions {
  const actions: PodActions = { killPod: false, createSandbox: null, sandboxId: null, containersToKill: [], containersToStart: [] };
  if (podSandboxChanged(status)) {
    // kuberuntime/util/util.go:PodSandboxChanged: the newest sandbox's Metadata.Attempt + 1 (not the highest).
    const [newestSandbox] = status.sandboxes;
    const attempt = newestSandbox ? newestSandbox.attempt + 1 : 0;
    actions.killPod = true;
    // "we should not create a sandbox for a pod if it is already done": a Never pod that already ran is only killed.
    if (pod.restartPolicy === "Never" && attempt !== 0 && status.containers.length > 0) return actions;
    // OnFailure: containers that succeeded are not started again (kuberuntime_manager.go:containerSucceeded).
    const containersToStart = pod.containers.filter((name) => {
      const newest = findContainerStatusByName(status, name);
      return !(pod.restartPolicy === "OnFailure" && newest?.state === "CONTAINER_EXITED" && newest.exitCode === 0);
    });
    // "We should not create a sandbox for a Pod if initialization is done and there is no container to start."
    if (containersToStart.length === 0) return actions;
    actions.createSandbox = attempt;
    actions.containersToStart = containersToStart;
    return actions;
  }
  actions.sandboxId = status.sandboxes[0]?.id ?? null;
  for (const name of pod.containers) {
    const newest = findContainerStatusByName(status, name);
    // Running: kept (no spec change, probes or resize in the model). Older duplicates are ignored.
    if (newest?.state === "CONTAINER_RUNNING") continue;
    if (!shouldContainerBeRestarted(pod, newest)) continue;
    actions.containersToStart.push(name);
    // "try killing it before restart to avoid having 2 running instances".
    if (newest?.state === "CONTAINER_UNKNOWN") actions.containersToKill.push(newest.id);
  }
  return actions;
}
