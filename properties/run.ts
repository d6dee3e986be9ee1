// The one run loop behind replay, the scenario runner, the minimizer and the exhaustive
// checker: step the events, the observer taking note after each, then check the safety
// properties asked for.
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import { initialWorld, type World } from "../model/world.ts";
import { emptyLedger, takeNote, type Ledger } from "../model/ledger.ts";
import { step, type StepOptions, type StepResult } from "../model/step.ts";
import { checkSafety, type SafetyProperty, type Violation } from "./invariants.ts";

/** The world and what the observer recorded on the way to it. */
export interface State {
  world: World;
  ledger: Ledger;
}

export function initialState(): State {
  return { world: initialWorld(), ledger: emptyLedger };
}

/** One event: the model steps, then the observer takes note of its reports and of what the CRI shows. */
export function advance(state: State, event: Event, config: Config, options: StepOptions = {}): { state: State; step: StepResult } {
  const result = step(state.world, event, config, options);
  return { state: { world: result.world, ledger: takeNote(state.ledger, result.reports, result.world) }, step: result };
}

export interface Stepped {
  /** Position of the event among this run's events. */
  index: number;
  event: Event;
  step: StepResult;
  state: State;
  /** What the checked properties see violated after this event. */
  violations: Violation[];
}

export interface RunOptions {
  /** Build the log (default true). */
  log?: boolean;
  /** Write the world in place (step.ts): only on a `from` the caller owns, or the initial world. */
  inPlace?: boolean;
  /** Where the run starts (default: the initial world). */
  from?: State;
  /** Safety properties checked after every event (default: none). */
  check?: readonly SafetyProperty[];
  /** Sees every event's outcome; returning true ends the run there. */
  after?: (stepped: Stepped) => boolean | void;
}

export function run(events: readonly Event[], config: Config, options: RunOptions = {}): State {
  let state = options.from ?? initialState();
  const stepOptions: StepOptions = { ...(options.log === false ? { log: false } : {}), ...(options.inPlace ? { inPlace: true } : {}) };
  for (const [index, event] of events.entries()) {
    const next = advance(state, event, config, stepOptions);
    state = next.state;
    const violations = options.check ? checkSafety(state.world, state.ledger, options.check) : [];
    if (options.after?.({ index, event, step: next.step, state, violations })) break;
  }
  return state;
}

/** The state after these events, with no log and no checks: for callers that only need the end. */
export function stateAfter(events: readonly Event[], config: Config): State {
  return run(events, config, { log: false });
}
