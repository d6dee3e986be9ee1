// What ListPodSandbox, ListContainers and ContainerStatus show: only what is in the CRI
// plugin's stores, and only while it is up. This is the kubelet's whole view of the node.
import type { World } from "../world.ts";
import type { CriContainerState, CriSandboxState } from "../observation.ts";
import { stateOf } from "../status.ts";

export interface ContainerView {
  id: string;
  sandboxId: string;
  pod: string;
  /** io.kubernetes.container.name and the restartCount annotation (= attempt). */
  name: string;
  attempt: number;
  state: CriContainerState;
  exitCode: number;
  reason: string;
  /** ContainerStatus replaces a zero CreatedAt by the containerd record's (container_status.go). */
  createdAt: number;
}

export interface SandboxView {
  id: string;
  pod: string;
  attempt: number;
  /** UNKNOWN is listed as NOTREADY (sandbox_list.go). */
  state: CriSandboxState;
  createdAt: number;
}

export function visibleContainers(w: World): ContainerView[] {
  if (w.cri.phase !== "up") return [];
  const views: ContainerView[] = [];
  for (const cntr of Object.values(w.cri.containers)) {
    const record = w.metadata.containers[cntr.id];
    if (!record) continue;
    views.push({
      id: cntr.id,
      sandboxId: record.sandboxId,
      pod: record.pod,
      name: record.containerName,
      attempt: record.attempt,
      state: stateOf(cntr.status, cntr.unknown),
      exitCode: cntr.status.exitCode,
      reason: cntr.status.reason,
      createdAt: cntr.status.createdAt || record.createdAt,
    });
  }
  return views;
}

export function visibleSandboxes(w: World): SandboxView[] {
  if (w.cri.phase !== "up") return [];
  const views: SandboxView[] = [];
  for (const sandbox of Object.values(w.cri.sandboxes)) {
    const record = w.metadata.sandboxes[sandbox.id];
    if (!record) continue;
    const state = sandbox.state === "READY" ? "SANDBOX_READY" : "SANDBOX_NOTREADY";
    views.push({ id: sandbox.id, pod: record.pod, attempt: record.attempt, state, createdAt: record.createdAt });
  }
  return views;
}
