// Runs one scenario on one configuration: the pods, the resolved commands, the healing
// suffix; every safety property after every event, `converges` at the end.
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import type { Situation } from "../model/ledger.ts";
import { safetyProperties, type Property } from "./invariants.ts";
import { checkConverges } from "./converges.ts";
import { cleanRestartEvents, healingEvents, podEvents, type Scenario } from "./scenario.ts";
import { resolve } from "./commands.ts";
import { initialState, run } from "./run.ts";
import { CostTracker, type RunCosts } from "./costs.ts";

export interface FirstViolation {
  /** Index of the event after which the property was first seen violated. */
  event: number;
  message: string;
}

export interface ScenarioRun {
  events: Event[];
  /** Events before the healing suffix: the scenario's own. */
  bodyLength: number;
  violations: Partial<Record<Property, FirstViolation>>;
  /** The situations the run passed through (coverage of the generators' aim). */
  seen: ReadonlySet<Situation>;
  /** What the variant held, refused and wrote on the way (costs.ts). */
  costs: RunCosts;
}

export function runScenario(scenario: Scenario, config: Config): ScenarioRun {
  let state = initialState();
  const events: Event[] = [];
  const violations: Partial<Record<Property, FirstViolation>> = {};
  const costs = new CostTracker(config);
  const apply = (batch: readonly Event[]) => {
    state = run(batch, config, {
      log: false,
      from: state,
      check: safetyProperties,
      after: ({ event, step, state: after, violations: now }) => {
        events.push(event);
        costs.note(after.world, step.reports);
        for (const v of now) violations[v.property] ??= { event: events.length - 1, message: v.message };
      },
    });
  };
  apply(podEvents(scenario.pods));
  for (const command of scenario.commands) apply(resolve(command, scenario.pods, state));
  const bodyLength = events.length;
  apply(healingEvents(state.world));
  costs.settle();
  const [notConverged] = checkConverges(state.world, state.ledger);
  if (notConverged !== undefined) violations.converges = { event: events.length - 1, message: notConverged };
  apply(cleanRestartEvents(state.world));
  return { events, bodyLength, violations, seen: state.ledger.situations, costs: costs.end() };
}
