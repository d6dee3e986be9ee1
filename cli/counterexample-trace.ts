// A violated cell's shortest counterexample as a trace file (design.md, "Trace files"), so that
// `restart-sim replay` reproduces it exactly; written by explore and by compare.
import type { Trace } from "../model/trace.ts";
import type { DiskLayout } from "../model/disk.ts";
import type { Property } from "../properties/invariants.ts";
import type { Counterexample } from "../properties/check-property.ts";

/** The file name (without .json) of a configuration's counterexample of a property. */
export function counterexampleName(config: string, property: Property): string {
  return `${config.replace("/", "-")}-${property}`;
}

/** The command that runs fast-check straight to a random counterexample again. */
export function exploreCommand(config: string, property: Property, c: Counterexample, disk: DiskLayout = "split"): string {
  return `restart-sim explore --config ${config}${disk === "split" ? "" : ` --disk ${disk}`} --seed ${c.seed} --property ${property} --path ${c.path}`;
}

/** A counterexample found on the shared layout says so: the trace replays on that layout. */
export function counterexampleTrace(config: string, property: Property, c: Counterexample, disk: DiskLayout = "split"): Trace {
  const origin = c.trace ? `the known trace ${c.trace}` : exploreCommand(config, property, c, disk);
  const on = disk === "split" ? "" : ` (disk layout ${disk})`;
  return {
    name: `${counterexampleName(config, property)}${disk === "split" ? "" : `-${disk}`}`,
    description: `Shortest counterexample of ${property} on ${config}${on}, found by ${origin}: ${c.message}`,
    config,
    ...(disk === "split" ? {} : { disk }),
    events: c.events,
  };
}
