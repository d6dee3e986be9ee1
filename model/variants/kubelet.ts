// kubelet variants: how the attempt (restartCount) of a new container is chosen when no
// container of that name is visible (kuberuntime_container.go:startContainer).

/** A kubelet variant. `KubeletVariant<string>` checks one before it joins the list below; elsewhere its name is one of the list's. */
export interface KubeletVariant<Name extends string = KubeletVariantName> {
  name: Name;
  summary: string;
  /** restartCount for a container with no visible predecessor, given the N of its N.log files. */
  restartCountWhenNoneVisible(logs: readonly number[]): number;
  /**
   * After a CreateContainer passed its deadline: retry the same attempt (upstream: the retry
   * recomputes from what it sees, which has not changed) or the next one.
   */
  afterDeadline: "same-attempt" | "next-attempt";
}

export const pre99748 = {
  name: "pre-99748",
  summary: "before kubernetes #99748: a container with no visible status restarts at attempt 0",
  restartCountWhenNoneVisible: () => 0,
  afterDeadline: "same-attempt",
} as const satisfies KubeletVariant<string>;

/** kuberuntime_container.go:calcRestartCountByLogDir: highest N of N.log, plus one. */
export const k99748 = {
  name: "99748",
  summary: "kubernetes #99748: a container with no visible status restarts at the highest N.log + 1",
  restartCountWhenNoneVisible: (logs) => (logs.length === 0 ? 0 : Math.max(...logs) + 1),
  afterDeadline: "same-attempt",
} as const satisfies KubeletVariant<string>;

export const bumpOnDeadline = {
  ...k99748,
  name: "bump-on-deadline",
  summary: "ours, for slow calls: #99748, and a CreateContainer that passed its deadline is retried with the next attempt, so a name held by a call in flight is never asked for again",
  afterDeadline: "next-attempt",
} as const satisfies KubeletVariant<string>;

// As for containerd's: literal names, a union the compiler checks.
export const kubeletVariants = [pre99748, k99748, bumpOnDeadline] as const satisfies readonly KubeletVariant<string>[];

export type KubeletVariantName = (typeof kubeletVariants)[number]["name"];
