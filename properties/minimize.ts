// Shortens a counterexample event by event: fast-check shrinks the scenario it generated,
// but the events a scenario expands to (the healing suffix above all) can hold more than the
// violation needs. An event is dropped when the trace without it is still valid and still
// violates the property; repeated until no single event can go (a 1-minimal trace).
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import { checkIds } from "../model/trace.ts";
import type { Property, SafetyProperty } from "./invariants.ts";
import { checkConverges } from "./converges.ts";
import { healingEvents } from "./scenario.ts";
import type { ScenarioRun } from "./run-scenario.ts";
import { run, stateAfter } from "./run.ts";

export interface Found {
  events: Event[];
  /** Index of the event at which the property is first violated. */
  event: number;
  message: string;
}

/** A safety property: the trace up to its first violation, or null if it holds throughout. */
function safetyViolation(events: readonly Event[], config: Config, property: SafetyProperty): Found | null {
  let found: Found | null = null;
  run(events, config, {
    log: false,
    check: [property],
    after: ({ index, violations: [first] }) => {
      if (first) found = { events: events.slice(0, index + 1), event: index, message: first.message };
      return first !== undefined;
    },
  });
  return found;
}

/** converges: the body, then the healing suffix; found when the world after it has not converged. */
function convergenceFailure(body: readonly Event[], config: Config): Found | null {
  const events = [...body, ...healingEvents(stateAfter(body, config).world)];
  const { world, ledger } = stateAfter(events, config);
  const [message] = checkConverges(world, ledger);
  return message === undefined ? null : { events, event: events.length - 1, message };
}

/** The shortest form of a scenario's violation that dropping single events can reach. */
export function minimizeCounterexample(scenario: ScenarioRun, config: Config, property: Property): Found {
  const violation = (events: readonly Event[]) =>
    property === "converges" ? convergenceFailure(events, config) : safetyViolation(events, config, property);
  // For converges only the body shrinks; the healing suffix is what the property is about.
  let current = property === "converges" ? scenario.events.slice(0, scenario.bodyLength) : scenario.events;
  let best = violation(current)!;
  if (property !== "converges") current = best.events;
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = current.length - 1; i >= 0; i--) {
      const candidate = [...current.slice(0, i), ...current.slice(i + 1)];
      if (checkIds(candidate) !== null) continue;
      const found = violation(candidate);
      if (!found) continue;
      best = found;
      current = property === "converges" ? candidate : found.events;
      changed = true;
      i = Math.min(i, current.length);
    }
  }
  return best;
}
