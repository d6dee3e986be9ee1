// A violated cell's shortest counterexample as a trace file (design.md, "Trace files"), so that
// `restart-sim replay` reproduces it exactly; written by explore and by compare.
import type { Trace } from "../model/trace.ts";
import type { DiskLayout } from "../model/disk.ts";
import { defaultRelease, type ContainerdReleaseName } from "../model/releases.ts";
import type { Property } from "../properties/invariants.ts";
import type { Counterexample } from "../properties/check-property.ts";

/** The file name (without .json) of a configuration's counterexample of a property. */
export function counterexampleName(config: string, property: Property): string {
  return `${config.replace("/", "-")}-${property}`;
}

/** The command that runs fast-check straight to a random counterexample again. */
export function exploreCommand(config: string, property: Property, c: Counterexample, disk: DiskLayout = "split", release: ContainerdReleaseName = defaultRelease.name): string {
  const on = `${disk === "split" ? "" : ` --disk ${disk}`}${release === defaultRelease.name ? "" : ` --containerd ${release}`}`;
  return `restart-sim explore --config ${config}${on} --seed ${c.seed} --property ${property} --path ${c.path}`;
}

/** A counterexample found on the shared layout or another release says so: the trace replays there. */
export function counterexampleTrace(config: string, property: Property, c: Counterexample, disk: DiskLayout = "split", release: ContainerdReleaseName = defaultRelease.name): Trace {
  const origin = c.trace ? `the known trace ${c.trace}` : exploreCommand(config, property, c, disk, release);
  const onRelease = release !== defaultRelease.name;
  const on = [...(disk === "split" ? [] : [`disk layout ${disk}`]), ...(onRelease ? [`containerd ${release}`] : [])];
  return {
    name: `${counterexampleName(config, property)}${disk === "split" ? "" : `-${disk}`}${onRelease ? `-${release}` : ""}`,
    description: `Shortest counterexample of ${property} on ${config}${on.length > 0 ? ` (${on.join(", ")})` : ""}, found by ${origin}: ${c.message}`,
    config,
    ...(disk === "split" ? {} : { disk }),
    ...(onRelease ? { containerd: release } : {}),
    events: c.events,
  };
}
