// The CRI container status (internal/cri/store/container/status.go). Times are logical
// timestamps; 0 means unset, as in the real code.
import type { CriContainerState } from "./observation.ts";

export interface Status {
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
}

/** helpers.go: unknownExitCode / unknownExitReason. */
export const unknownExitCode = 255;
export const unknownExitReason = "Unknown";
/** container_start.go: errorStartExitCode / errorStartReason. */
export const errorStartExitCode = 128;
export const errorStartReason = "StartError";

/** store/container/status.go:Status.State(). */
export function stateOf(status: Status, unknown: boolean): CriContainerState {
  if (unknown) return "CONTAINER_UNKNOWN";
  if (status.finishedAt !== 0) return "CONTAINER_EXITED";
  if (status.startedAt !== 0) return "CONTAINER_RUNNING";
  if (status.createdAt !== 0) return "CONTAINER_CREATED";
  return "CONTAINER_UNKNOWN";
}

/** helpers.go:unknownContainerStatus, used when the checkpoint cannot be loaded. */
export function unknownContainerStatus(): Status {
  return { createdAt: 0, startedAt: 0, finishedAt: 0, exitCode: unknownExitCode, reason: unknownExitReason };
}

/** Lifecycle rank for no-state-regression: CREATED < RUNNING < EXITED; UNKNOWN has none. */
export function lifecycleRank(state: CriContainerState): number | null {
  switch (state) {
    case "CONTAINER_CREATED":
      return 0;
    case "CONTAINER_RUNNING":
      return 1;
    case "CONTAINER_EXITED":
      return 2;
    case "CONTAINER_UNKNOWN":
      return null;
  }
}
