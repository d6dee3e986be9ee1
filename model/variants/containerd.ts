// containerd variants under review: data plus small policy functions. The CRI model asks
// these questions at its few decision points and never tests a variant's name.

export interface ContainerdVariant {
  name: string;
  /** One sentence: what the variant changes, in containerd's terms. */
  summary: string;
  /**
   * The status rewrite of a container while recover() loads it failed
   * (restart.go:loadContainer -> containerstore.NewContainer -> WithStatus -> StoreStatus).
   * "skip": the container is dropped from the CRI store (upstream); "keep": it is loaded
   * with the recovered status held in memory only.
   */
  onRecoveryStatusWriteError: "skip" | "keep";
  /**
   * A status write outside recovery failed (StoreStatus at create, UpdateSync at start and
   * exit). "fail": the operation fails as upstream does; "keep": the new status is kept in
   * memory and the operation goes on (commit 7d1bc2355).
   */
  onRuntimeStatusWriteError: "fail" | "keep";
}

export const baseline: ContainerdVariant = {
  name: "baseline",
  summary: "upstream main today: a status write that fails at recovery skips the container",
  onRecoveryStatusWriteError: "skip",
  onRuntimeStatusWriteError: "fail",
};

export const containerdVariants: readonly ContainerdVariant[] = [baseline];
