// What one conformance run keeps of a trace, where, and how the model is held to it: by
// `restart-sim conformance` right after the run and by recorded.test.ts in `npm test`.
//
// Layout: recorded/<variant>/ holds the split layout's observations (the CRI plugin's dir on
// its own filesystem, as every recording before the layouts), recorded/<variant>/shared/ the
// shared layout's (containerd's whole root on one filesystem); containerd 1.7's go one level
// down, recorded/<variant>/containerd-1.7/ and recorded/<variant>/containerd-1.7/shared/, so
// that release and layout compose and a variant's dir lists its split 1.6 recordings as before.
import { join } from "node:path";
import type { Event } from "../model/events.ts";
import type { Observation } from "../model/observation.ts";
import type { DiskLayout } from "../model/disk.ts";
import { daemonLabel, recordedDir, type Release } from "./containerd-1.7.ts";

/** The path under a recordings dir where `variant`'s observations on `release` in `layout` are kept. */
export function recordingDir(release: Release, variant: string, layout: DiskLayout): string {
  return layout === "split" ? recordedDir(release, variant) : join(recordedDir(release, variant), layout);
}

/** A daemon and layout in reports and in known-differences.ts: "baseline", "baseline/shared", "baseline@1.7/shared". */
export function runLabel(release: Release, variant: string, layout: DiskLayout): string {
  const daemon = daemonLabel(release, variant);
  return layout === "split" ? daemon : `${daemon}/${layout}`;
}

/** Which containers containerd 1.6.20 loaded in which order at each containerd.start (event index -> labels). */
export type LoadOrders = Record<string, string[]>;

/** A recording: the daemon's observation, and the load orders the model is replayed with. */
export interface Recording extends Observation {
  loadOrders?: LoadOrders;
}

/**
 * The trace's events as the daemon ran them. containerd 1.6.20 loads containers one at a time
 * (pkg/cri/server/restart.go:recover, a plain for loop over client.Containers), in the order the
 * metadata store lists them: bolt's bucket order, the container ids' bytes
 * (metadata/containers.go:List, bkt.ForEach), and ids are random. So each containerd.start is
 * replayed with the order the run's ids gave and one load at a time (`parallel` dropped: 1.6.20
 * has no parallel loads). Later containerd (1.7, main) loads in an errgroup, whose interleaving
 * no run reveals: there the events stay as written,
 * and schedules.ts tries the errgroup's other schedules.
 */
export function eventsAsRun(events: readonly Event[], release: Release, loadOrders: LoadOrders | undefined): Event[] {
  if (release !== "1.6" || !loadOrders) return [...events];
  return events.map((e, i) => {
    const order = loadOrders[String(i)];
    if (e.type !== "containerd.start" || !order) return e;
    return { type: "containerd.start", order };
  });
}
