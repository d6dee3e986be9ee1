// Events per second of random runs on one core: model step + observer + every safety
// invariant (the run loop), on event sequences resolved beforehand so that generation is not
// measured.
import fc from "fast-check";
import { setAutoFreeze } from "immer";
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import { safetyProperties } from "../properties/invariants.ts";
import { run } from "../properties/run.ts";
import { scenarioArbitrary } from "../properties/generators.ts";
import { runScenario } from "../properties/run-scenario.ts";

export function resolvedSequences(config: Config, count: number, seed: number): Event[][] {
  return fc.sample(scenarioArbitrary, { numRuns: count, seed }).map((s) => runScenario(s, config).events);
}

/** Best of `rounds` passes over the sequences, in events per second. */
export function eventsPerSecond(config: Config, sequences: readonly Event[][], autoFreeze: boolean, rounds = 3): number {
  setAutoFreeze(autoFreeze);
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    let events = 0;
    const started = performance.now();
    for (const sequence of sequences) {
      run(sequence, config, { log: false, check: safetyProperties });
      events += sequence.length;
    }
    best = Math.max(best, (events / (performance.now() - started)) * 1000);
  }
  setAutoFreeze(true);
  return Math.round(best);
}
