// Events per second of random runs on one core: model step + observer + every safety
// invariant (the run loop), on event sequences resolved beforehand so that generation is not
// measured; and the same runs with the world written in place instead of through immer (the
// ceiling immer leaves: step.ts inPlace, on a world each run owns), and on a copy made at each
// event's first write (as the CLI runs them: properties/run.ts stepOnOwnCopies).
import fc from "fast-check";
import { setAutoFreeze } from "immer";
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import { safetyProperties } from "../properties/invariants.ts";
import { initialState, run, stepOnOwnCopies, type State } from "../properties/run.ts";
import { scenarioArbitrary } from "../properties/generators.ts";
import { runScenario } from "../properties/run-scenario.ts";
import { cpuMs } from "./cpu-time.ts";

export function resolvedSequences(config: Config, count: number, seed: number): Event[][] {
  return fc.sample(scenarioArbitrary, { numRuns: count, seed }).map((s) => runScenario(s, config).events);
}

/** How the runs write the world: through immer, with or without its auto-freeze, in place, or on own copies. */
export type Writes = { immer: { autoFreeze: boolean } } | "in place" | "own copies";

function runOne(config: Config, sequence: readonly Event[], writes: Writes): State {
  stepOnOwnCopies(writes === "own copies");
  // A fresh initial world is the run's own: writing it in place touches nobody else's.
  const state = run(sequence, config, { log: false, check: safetyProperties, ...(writes === "in place" ? { inPlace: true, from: initialState() } : {}) });
  stepOnOwnCopies(false);
  return state;
}

/** Best of `rounds` passes over the sequences, in events per second of CPU time. */
export function eventsPerSecond(config: Config, sequences: readonly Event[][], writes: Writes, rounds = 3): number {
  setAutoFreeze(typeof writes === "object" && writes.immer.autoFreeze);
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    let events = 0;
    const started = cpuMs();
    for (const sequence of sequences) {
      runOne(config, sequence, writes);
      events += sequence.length;
    }
    best = Math.max(best, (events / (cpuMs() - started)) * 1000);
  }
  setAutoFreeze(true);
  return Math.round(best);
}

/**
 * The sequences whose run ends differently written this way than through immer (world or
 * observer record): a figure only counts if it runs the same model. Empty when it does.
 */
export function differingFromImmer(config: Config, sequences: readonly Event[][], writes: "in place" | "own copies"): number[] {
  setAutoFreeze(false);
  const differing = sequences.flatMap((sequence, i) =>
    JSON.stringify(runOne(config, sequence, { immer: { autoFreeze: false } })) === JSON.stringify(runOne(config, sequence, writes)) ? [] : [i],
  );
  setAutoFreeze(true);
  return differing;
}
