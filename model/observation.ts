// The observation printed by `replay --json` and by the conformance harness (design.md,
// "Public interfaces"). Both the model and the real daemon are reduced to this shape so
// that they can be compared field by field.

export type ContainerdPhase = "up" | "down" | "failed";
export type CriContainerState = "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED" | "CONTAINER_UNKNOWN";
export type CriSandboxState = "SANDBOX_READY" | "SANDBOX_NOTREADY";
/** running: the main process is alive; exited: it ran and is gone; none: it never ran. */
export type ProcessState = "running" | "exited" | "none";

export interface ObservedContainer {
  id: string;
  /** The container name the kubelet asked for (ContainerMetadata.Name), not the CRI-internal name. */
  name: string;
  attempt: number;
  visible: boolean;
  state: CriContainerState | null;
  /** Set only when state is CONTAINER_EXITED. */
  exitCode: number | null;
  process: ProcessState;
}

export interface ObservedSandbox {
  id: string;
  visible: boolean;
  state: CriSandboxState | null;
}

export interface ObservedCall {
  /** Index into the trace's events. */
  event: number;
  type: string;
  ok: boolean;
  error: string | null;
}

export interface ObservedViolation {
  property: string;
  event: number;
  message: string;
}

export interface Observation {
  containerd: ContainerdPhase;
  error: string | null;
  containers: ObservedContainer[];
  sandboxes: ObservedSandbox[];
  calls: ObservedCall[];
  violations: ObservedViolation[];
}
