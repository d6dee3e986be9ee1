// One cell of the verdict table: does a configuration hold a property over random scenarios?
// Known bug traces run first (fast-check examples), then random scenarios; a violation is
// shrunk, and the shortest counterexample of the two is kept, with its seed and path.
import fc from "fast-check";
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import type { Property } from "./invariants.ts";
import { scenariosOn } from "./generators.ts";
import { runScenario, type ScenarioRun } from "./run-scenario.ts";
import { minimizeCounterexample } from "./minimize.ts";
import type { Scenario } from "./scenario.ts";
import { addCosts, emptyCosts, type Costs } from "./costs.ts";

export interface Counterexample {
  events: Event[];
  /** Index of the event at which the property is first violated. */
  event: number;
  message: string;
  /** How to replay the fast-check run that found it (null for a known trace). */
  seed: number | null;
  path: string | null;
  /** The known trace it came from, if any. */
  trace: string | null;
}

export type CellVerdict =
  | { property: Property; verdict: "holds"; runs: number }
  | { property: Property; verdict: "violated"; runs: number; counterexample: Counterexample };

export interface CheckOptions {
  runs: number;
  seed: number;
  /** fast-check's path to one counterexample of this seed: replays just that run (and shrinks it). */
  path?: string;
  /** Known traces, run first. */
  examples?: readonly { name: string; events: Event[] }[];
  /** Called after every random scenario with how many have run. */
  onRun?: (runs: number) => void;
}

/** Runs of the same scenario on the same configuration are shared by every property's check. */
export class ScenarioCache {
  private readonly runs = new Map<string, ScenarioRun>();
  constructor(readonly config: Config) {}
  run(scenario: Scenario): ScenarioRun {
    const key = JSON.stringify(scenario);
    let run = this.runs.get(key);
    if (!run) {
      run = runScenario(scenario, this.config);
      this.runs.set(key, run);
    }
    return run;
  }
}

/** A known trace as a scenario: no pods of its own, its events as they are. */
function exampleScenario(example: { events: Event[] }): Scenario {
  return { pods: [], commands: example.events.map((event) => ({ do: "event", event })) };
}

export function checkProperty(cache: ScenarioCache, property: Property, options: CheckOptions): CellVerdict {
  let ran = 0;
  const holds = (scenario: Scenario) => cache.run(scenario).violations[property] === undefined;
  const counted = (scenario: Scenario) => {
    options.onRun?.(++ran);
    return holds(scenario);
  };
  const found: Counterexample[] = [];
  for (const example of options.examples ?? []) {
    const scenario = exampleScenario(example);
    if (!holds(scenario)) found.push(toCounterexample(cache.config, cache.run(scenario), property, null, null, example.name));
  }
  const details = fc.check(fc.property(scenariosOn(cache.config.disk.layout), counted), {
    numRuns: options.runs,
    seed: options.seed,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  if (details.failed && details.counterexample) {
    found.push(toCounterexample(cache.config, cache.run(details.counterexample[0]), property, details.seed, details.counterexamplePath, null));
  }
  const runs = (options.examples?.length ?? 0) + details.numRuns;
  const [shortest] = found.sort((a, b) => a.events.length - b.events.length);
  return shortest ? { property, verdict: "violated", runs, counterexample: shortest } : { property, verdict: "holds", runs };
}

/**
 * The configuration's costs over the scenarios a cell that holds runs: the known traces, then
 * the seed's first `runs` random scenarios (the ones the verdicts ran, from the cache), none of
 * the shrinker's.
 */
export function scenarioCosts(cache: ScenarioCache, options: Pick<CheckOptions, "runs" | "seed" | "examples">): Costs {
  const scenarios = [...(options.examples ?? []).map(exampleScenario), ...fc.sample(scenariosOn(cache.config.disk.layout), { numRuns: options.runs, seed: options.seed })];
  return scenarios.reduce((total, scenario) => addCosts(total, cache.run(scenario).costs), emptyCosts());
}

function toCounterexample(
  config: Config,
  run: ScenarioRun,
  property: Property,
  seed: number | null,
  path: string | null,
  trace: string | null,
): Counterexample {
  return { ...minimizeCounterexample(run, config, property), seed, path, trace };
}
