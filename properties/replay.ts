// Runs a trace through the model, checking every safety property after every event: the
// engine behind `replay`, the scenario tests and the conformance comparison.
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import type { LogLine } from "../model/log.ts";
import type { World } from "../model/world.ts";
import type { Ledger } from "../model/ledger.ts";
import type { Observation, ObservedCall, ObservedViolation } from "../model/observation.ts";
import { observe } from "../model/observe.ts";
import { safetyProperties, type Violation } from "./invariants.ts";
import { run } from "./run.ts";
import { Callers, got } from "./callers.ts";

export interface TimelineEntry {
  index: number;
  event: Event;
  log: LogLine[];
  /** The event's own CRI call: what its caller finally got (callers.ts), set for cri.* events. */
  call: ObservedCall | null;
  /** Violations that appear at this event (not those carried over from earlier ones). */
  violations: Violation[];
}

export interface Replay {
  world: World;
  ledger: Ledger;
  timeline: TimelineEntry[];
  observation: Observation;
}

const violationKey = (v: Violation) => `${v.property}\u0000${v.message}`;

export function replay(events: readonly Event[], config: Config, options: { log?: boolean } = {}): Replay {
  let standing = new Set<string>();
  const timeline: TimelineEntry[] = [];
  const callers = new Callers();
  const { world, ledger } = run(events, config, {
    ...options,
    check: safetyProperties,
    after: ({ index, event, step, violations }) => {
      const fresh = violations.filter((v) => !standing.has(violationKey(v)));
      standing = new Set(violations.map(violationKey));
      const call = step.call ? { event: index, type: event.type, ...got(step.call) } : null;
      // A cri.* event's own call is its first (lower.ts); the kubelet's are not the trace's calls.
      callers.note(step.reports, (_, nth) => (nth === 0 ? call : null));
      timeline.push({ index, event, log: step.log, call, violations: fresh });
    },
  });
  const calls = timeline.flatMap((t) => (t.call ? [t.call] : []));
  const violations: ObservedViolation[] = timeline.flatMap((t) => t.violations.map((v) => ({ property: v.property, event: t.index, message: v.message })));
  return { world, ledger, timeline, observation: { ...observe(world, ledger), calls, violations } };
}
