// kubelet variants: how the attempt (restartCount) of a new container is chosen when no
// container of that name is visible (kuberuntime_container.go:startContainer).

export interface KubeletVariant {
  name: string;
  summary: string;
  /** restartCount for a container with no visible predecessor, given the N of its N.log files. */
  restartCountWhenNoneVisible(logs: readonly number[]): number;
}

export const pre99748: KubeletVariant = {
  name: "pre-99748",
  summary: "before kubernetes #99748: a container with no visible status restarts at attempt 0",
  restartCountWhenNoneVisible: () => 0,
};

/** kuberuntime_container.go:calcRestartCountByLogDir: highest N of N.log, plus one. */
export const k99748: KubeletVariant = {
  name: "99748",
  summary: "kubernetes #99748: a container with no visible status restarts at the highest N.log + 1",
  restartCountWhenNoneVisible: (logs) => (logs.length === 0 ? 0 : Math.max(...logs) + 1),
};

export const kubeletVariants: readonly KubeletVariant[] = [pre99748, k99748];
