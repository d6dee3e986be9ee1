// The generators must keep reaching the situations where the bugs are. Counted over a fixed
// sample on baseline/99748 (where every situation is possible); a generator change that
// stops looking there fails here instead of silently turning red cells green.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { configOrThrow } from "../model/config.ts";
import { situations, type Situation } from "../model/ledger.ts";
import { scenarioArbitrary } from "./generators.ts";
import { runScenario } from "./run-scenario.ts";

const sample = 1000;
/** Scenarios (of `sample`) that must pass through each situation; about half of what is seen today. */
const floors: Record<Situation, number> = {
  "container skipped at recovery": 180,
  "name conflict at recovery": 12,
  "exit while containerd is down": 90,
  "status write failed at create": 24,
  "status write failed at start": 35,
  "status write failed at exit": 12,
  "create refused by a call in flight": 80,
};

describe(`coverage of ${sample} generated scenarios on baseline/99748`, () => {
  const config = configOrThrow("baseline/99748");
  const counts = new Map<Situation, number>(situations.map((s) => [s, 0]));
  for (const scenario of fc.sample(scenarioArbitrary, { numRuns: sample, seed: 11504 })) {
    for (const s of runScenario(scenario, config).seen) counts.set(s, counts.get(s)! + 1);
  }

  it.each(situations)("reaches %s often enough", (situation) => {
    expect(counts.get(situation), `${situation}: ${JSON.stringify(Object.fromEntries(counts))}`).toBeGreaterThanOrEqual(floors[situation]);
  });
});
