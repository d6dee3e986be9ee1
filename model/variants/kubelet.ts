// kubelet variants: how the attempt (restartCount) of a new container is chosen
// (kuberuntime_container.go:startContainer).

/** A kubelet variant. `KubeletVariant<string>` checks one before it joins the list below; elsewhere its name is one of the list's. */
export interface KubeletVariant<Name extends string = KubeletVariantName> {
  name: Name;
  summary: string;
  /**
   * restartCount of a new container, from the attempt of the newest visible container of that
   * name (null: none visible) and the N of its N.log files.
   */
  restartCount(newestVisible: number | null, logs: readonly number[]): number;
  /**
   * After a CreateContainer passed its deadline: retry the same attempt (upstream: the retry
   * recomputes from what it sees, which has not changed while the late call is invisible,
   * kubernetes #94085) or the next one.
   */
  afterDeadline: "same-attempt" | "next-attempt";
}

/** kuberuntime_container.go:calcRestartCountByLogDir: highest N of N.log, plus one (0 with none). */
const afterHighestLog = (logs: readonly number[]): number => (logs.length === 0 ? 0 : Math.max(...logs) + 1);

/** startContainer: `containerStatus.RestartCount + 1` when a status of that name is visible. */
const afterNewest = (newestVisible: number): number => newestVisible + 1;

export const pre99748 = {
  name: "pre-99748",
  summary: "before kubernetes #99748: a container with no visible status restarts at attempt 0",
  restartCount: (newestVisible) => (newestVisible === null ? 0 : afterNewest(newestVisible)),
  afterDeadline: "same-attempt",
} as const satisfies KubeletVariant<string>;

/** kubernetes #99748: startContainer falls back to calcRestartCountByLogDir when no status is visible. */
export const k99748 = {
  name: "99748",
  summary: "kubernetes #99748: a container with no visible status restarts at the highest N.log + 1",
  restartCount: (newestVisible, logs) => (newestVisible === null ? afterHighestLog(logs) : afterNewest(newestVisible)),
  afterDeadline: "same-attempt",
} as const satisfies KubeletVariant<string>;

export const bumpOnDeadline = {
  ...k99748,
  name: "bump-on-deadline",
  summary: "ours, for slow calls: #99748, and a CreateContainer that passed its deadline is retried with the next attempt, so a name held by a call in flight is never asked for again",
  afterDeadline: "next-attempt",
} as const satisfies KubeletVariant<string>;

/**
 * Ours, kubelet-only: the log directory is consulted even when a container is visible, so a
 * new attempt never reuses an N that a hidden container (one recovery skipped) already took,
 * and so never asks for a name bolt still holds (#7247).
 */
export const logDirMax = {
  ...k99748,
  name: "log-dir-max",
  summary: "ours, kubelet-only guard against #7247: attempt = max(newest visible + 1, highest N.log + 1), so a new container never takes an attempt a hidden one already used",
  restartCount: (newestVisible, logs) => Math.max(newestVisible === null ? 0 : afterNewest(newestVisible), afterHighestLog(logs)),
} as const satisfies KubeletVariant<string>;

// As for containerd's: literal names, a union the compiler checks.
export const kubeletVariants = [pre99748, k99748, bumpOnDeadline, logDirMax] as const satisfies readonly KubeletVariant<string>[];

export type KubeletVariantName = (typeof kubeletVariants)[number]["name"];
