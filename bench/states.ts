// Distinct states per second of the exhaustive checker on our proposal (no violation, so the
// search runs to the full depth), per second of CPU time.
import { setAutoFreeze } from "immer";
import type { Config } from "../model/config.ts";
import { checkExhaustive, type Scope } from "../properties/exhaustive.ts";
import { cpuMs } from "./cpu-time.ts";

export function statesPerSecond(config: Config, scope: Scope, depth: number): { states: number; seconds: number; perSecond: number } {
  setAutoFreeze(false);
  // A shallower search first, unmeasured, so that the figure is the compiled code's, as the
  // random runs' best of three passes is.
  checkExhaustive(config, scope, { depth: Math.max(depth - 2, 0), maxStates: 5_000_000, symmetry: true });
  const started = cpuMs();
  const result = checkExhaustive(config, scope, { depth, maxStates: 5_000_000, symmetry: true });
  // A violation would end the search early and measure nothing worth comparing.
  if (result.violation) throw new Error(`${config.name} violates ${result.violation.property}: benchmark it on a configuration that holds`);
  const seconds = (cpuMs() - started) / 1000;
  setAutoFreeze(true);
  return { states: result.states, seconds: Number(seconds.toFixed(2)), perSecond: Math.round(result.states / seconds) };
}
