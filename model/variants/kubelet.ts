// kubelet variants: how the attempt (restartCount) of a new container is chosen when no
// container of that name is visible (kuberuntime_container.go:startContainer).

export interface KubeletVariant {
  name: string;
  summary: string;
  /** restartCount for a container with no visible predecessor, given the N of its N.log files. */
  restartCountWhenNoneVisible(logs: readonly number[]): number;
  /**
   * After a CreateContainer passed its deadline: retry the same attempt (upstream: the retry
   * recomputes from what it sees, which has not changed) or the next one.
   */
  afterDeadline: "same-attempt" | "next-attempt";
}

export const pre99748: KubeletVariant = {
  name: "pre-99748",
  summary: "before kubernetes #99748: a container with no visible status restarts at attempt 0",
  restartCountWhenNoneVisible: () => 0,
  afterDeadline: "same-attempt",
};

/** kuberuntime_container.go:calcRestartCountByLogDir: highest N of N.log, plus one. */
export const k99748: KubeletVariant = {
  name: "99748",
  summary: "kubernetes #99748: a container with no visible status restarts at the highest N.log + 1",
  restartCountWhenNoneVisible: (logs) => (logs.length === 0 ? 0 : Math.max(...logs) + 1),
  afterDeadline: "same-attempt",
};

export const bumpOnDeadline: KubeletVariant = {
  ...k99748,
  name: "bump-on-deadline",
  summary: "ours, for slow calls: #99748, and a CreateContainer that passed its deadline is retried with the next attempt, so a name held by a call in flight is never asked for again",
  afterDeadline: "next-attempt",
};

export const kubeletVariants: readonly KubeletVariant[] = [pre99748, k99748, bumpOnDeadline];
