// A violated cell's shortest counterexample as a trace file (design.md, "Trace files"), so that
// `restart-sim replay` reproduces it exactly; written by explore and by compare.
import type { Trace } from "../model/trace.ts";
import type { Property } from "../properties/invariants.ts";
import type { Counterexample } from "../properties/check-property.ts";

/** The file name (without .json) of a configuration's counterexample of a property. */
export function counterexampleName(config: string, property: Property): string {
  return `${config.replace("/", "-")}-${property}`;
}

/** The command that runs fast-check straight to a random counterexample again. */
export function exploreCommand(config: string, property: Property, c: Counterexample): string {
  return `restart-sim explore --config ${config} --seed ${c.seed} --property ${property} --path ${c.path}`;
}

export function counterexampleTrace(config: string, property: Property, c: Counterexample): Trace {
  const origin = c.trace ? `the known trace ${c.trace}` : exploreCommand(config, property, c);
  return {
    name: counterexampleName(config, property),
    description: `Shortest counterexample of ${property} on ${config}, found by ${origin}: ${c.message}`,
    config,
    events: c.events,
  };
}
