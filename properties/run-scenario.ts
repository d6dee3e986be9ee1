// Runs one scenario on one configuration: the pods, the resolved commands, the healing
// suffix; every safety property after every event, `converges` at the end.
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import { initialWorld } from "../model/world.ts";
import { step } from "../model/step.ts";
import type { Situation } from "../model/log.ts";
import { checkSafety, type Property } from "./invariants.ts";
import { checkConverges } from "./converges.ts";
import { cleanRestartEvents, healingEvents, podEvents, resolve, type Scenario } from "./scenario.ts";

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
  seen: Set<Situation>;
}

export function runScenario(scenario: Scenario, config: Config): ScenarioRun {
  let world = initialWorld();
  const events: Event[] = [];
  const violations: Partial<Record<Property, FirstViolation>> = {};
  const seen = new Set<Situation>();
  const apply = (event: Event) => {
    world = step(world, event, config, { log: false, seen }).world;
    events.push(event);
    for (const v of checkSafety(world)) violations[v.property] ??= { event: events.length - 1, message: v.message };
  };
  for (const event of podEvents(scenario.pods)) apply(event);
  for (const command of scenario.commands) for (const event of resolve(command, scenario.pods, world)) apply(event);
  const bodyLength = events.length;
  for (const event of healingEvents(world)) apply(event);
  const [notConverged] = checkConverges(world);
  if (notConverged !== undefined) violations.converges = { event: events.length - 1, message: notConverged };
  for (const event of cleanRestartEvents(world)) apply(event);
  return { events, bodyLength, violations, seen };
}
