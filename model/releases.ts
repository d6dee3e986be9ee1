// containerd releases the model is held to: data plus small policy values, as the variants
// (variants/containerd.ts). A configuration runs on one release (--containerd, a trace's
// "containerd"); the model asks these questions at the few points where 1.6 and 1.7 differ
// and never tests a release's name. Measured on Debian bookworm's 1.6.20 and trixie's 1.7.24
// (conformance --containerd 1.7); upstream main does as 1.7 in each.

export interface ContainerdRelease<Name extends string = ContainerdReleaseName> {
  name: Name;
  /** The exact version the model is held to on this release (Debian's package; conformance --containerd). */
  version: string;
  /** One sentence: what sets it apart, in containerd's terms. */
  summary: string;
  /**
   * At containerd's start, before the CRI plugin recovers: what the runtime v2 shim manager
   * does with a container's shim whose task has no process left (it exited while nothing
   * waited on it). "keep": the stopped task stays, holding its exit code for recovery (1.6.20
   * loads every shim). "delete-task": taken for a shim leaked by a crash and deleted, exit code
   * and all (1.7 runtime/v2/shim_load.go:loadShims, "cleaning leaked shim process",
   * containerd#6860: no pids and not in the sandbox store; main core/runtime/v2/shim_load.go).
   */
  onShimWithoutProcess: "keep" | "delete-task";
  /**
   * StopContainer of an id the CRI store does not know: "not-found" (1.6.20
   * pkg/cri/server/container_stop.go:StopContainer returns the store's NotFound), "ok" (1.7
   * pkg/cri/server/container_stop.go:StopContainer, "The StopContainer RPC is idempotent").
   */
  onStopUnknownContainer: "not-found" | "ok";
  /**
   * How recover() loads the containers when containerd.start names no `parallel`:
   * "one-at-a-time" (1.6.20 pkg/cri/server/restart.go:recover, a plain loop), "all-at-once"
   * (1.7 pkg/cri/server/restart.go:recover, an errgroup with a goroutine per container since
   * a5dfbfcf5: the model's one wave of every load, cri/recover.ts). A trace's `parallel` wins
   * on either release: on 1.6 it is a schedule only 1.7's errgroup can take, kept so that the
   * shared layout's 1.6 scenarios (which try parallel restarts) stay as they were.
   */
  defaultLoads: "one-at-a-time" | "all-at-once";
}

export const containerd16 = {
  name: "1.6",
  version: "1.6.20",
  summary: "containerd 1.6.20 (Debian bookworm): every shim is loaded at start, StopContainer of an unknown id is NotFound, containers load one at a time",
  onShimWithoutProcess: "keep",
  onStopUnknownContainer: "not-found",
  defaultLoads: "one-at-a-time",
} as const satisfies ContainerdRelease<string>;

export const containerd17 = {
  name: "1.7",
  version: "1.7.24",
  summary:
    "containerd 1.7.24 (Debian trixie) and main: a shim whose task exited unwatched is deleted at start as leaked, StopContainer of an unknown id succeeds, containers load in parallel",
  onShimWithoutProcess: "delete-task",
  onStopUnknownContainer: "ok",
  defaultLoads: "all-at-once",
} as const satisfies ContainerdRelease<string>;

/** The first is the default: the release conformance held the model to before 1.7. */
export const containerdReleases = [containerd16, containerd17] as const satisfies readonly ContainerdRelease<string>[];

export type ContainerdReleaseName = (typeof containerdReleases)[number]["name"];

/** Their names, first the default (non-empty, for zod's enum). */
export const releaseNames = containerdReleases.map((r) => r.name) as [ContainerdReleaseName, ...ContainerdReleaseName[]];

export const defaultRelease: ContainerdRelease = containerd16;

export function releaseNamed(name: string): ContainerdRelease | undefined {
  return containerdReleases.find((r) => r.name === name);
}

/** A release the model knows, by its (checked) name; a trace or a config without one means the default. */
export function releaseOf(name: ContainerdReleaseName | undefined): ContainerdRelease {
  return containerdReleases.find((r) => r.name === name) ?? defaultRelease;
}
