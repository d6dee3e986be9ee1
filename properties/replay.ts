// Runs a trace through the model, checking every safety property after every event: the
// engine behind `replay`, the scenario tests and the conformance comparison.
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import type { LogLine } from "../model/log.ts";
import type { Observation, ObservedCall, ObservedViolation } from "../model/observation.ts";
import { initialWorld, type World } from "../model/world.ts";
import { step } from "../model/step.ts";
import { observe } from "../model/observe.ts";
import { checkSafety, type Violation } from "./invariants.ts";

export interface TimelineEntry {
  index: number;
  event: Event;
  log: LogLine[];
  call: ObservedCall | null;
  /** Violations that appear at this event (not those carried over from earlier ones). */
  violations: Violation[];
}

export interface Replay {
  world: World;
  timeline: TimelineEntry[];
  observation: Observation;
}

/** The world after these events, with no log and no checks: for callers that only need the end state. */
export function worldAfter(events: readonly Event[], config: Config): World {
  let world = initialWorld();
  for (const event of events) world = step(world, event, config, { log: false }).world;
  return world;
}

const violationKey = (v: Violation) => `${v.property}\u0000${v.message}`;

export function replay(events: readonly Event[], config: Config, options: { log?: boolean } = {}): Replay {
  let world = initialWorld();
  let standing = new Set<string>();
  const timeline: TimelineEntry[] = [];
  for (const [index, event] of events.entries()) {
    const result = step(world, event, config, options);
    world = result.world;
    const all = checkSafety(world);
    const fresh = all.filter((v) => !standing.has(violationKey(v)));
    standing = new Set(all.map(violationKey));
    const call = result.call ? { event: index, type: event.type, ok: result.call.ok, error: result.call.ok ? null : result.call.error } : null;
    timeline.push({ index, event, log: result.log, call, violations: fresh });
  }
  const calls = timeline.flatMap((t) => (t.call ? [t.call] : []));
  const violations: ObservedViolation[] = timeline.flatMap((t) => t.violations.map((v) => ({ property: v.property, event: t.index, message: v.message })));
  return { world, timeline, observation: { ...observe(world), calls, violations } };
}
