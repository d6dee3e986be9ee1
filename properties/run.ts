// The one run loop behind replay, the scenario runner, the minimizer and the exhaustive
// checker: step the events, the observer taking note after each, then check the safety
// properties asked for.
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import { initialWorld, type World } from "../model/world.ts";
import { emptyLedger, takeNote, type Ledger } from "../model/ledger.ts";
import { step, type StepOptions, type StepResult } from "../model/step.ts";
import { visibleContainers, type ContainerView } from "../model/cri/list.ts";
import { checkSafety, noViolations, type SafetyProperty, type Violation } from "./invariants.ts";
import { ownCopy } from "./owned-world.ts";

/** The world and what the observer recorded on the way to it. */
export interface State {
  world: World;
  ledger: Ledger;
}

export function initialState(): State {
  return { world: initialWorld(), ledger: emptyLedger };
}

export interface Advanced {
  state: State;
  step: StepResult;
  /** What ListContainers shows after the event; null when the world did not change (the observer saw it already). */
  visible: readonly ContainerView[] | null;
}

/**
 * How a step writes the world when its caller does not say (no inPlace, no own): through immer
 * (the default: the tests, whose frozen worlds catch a write that escapes a draft), or in place
 * on a copy made at the event's first write (ownCopy, as the checker steps; the CLI turns it on:
 * the same steps without immer's proxies, held equal to immer's by owned-world.test.ts).
 */
let defaultOwn: StepOptions["own"];

export function stepOnOwnCopies(on: boolean): void {
  defaultOwn = on ? ownCopy : undefined;
}

/** One event: the model steps, then the observer takes note of its reports and of what the CRI shows. */
export function advance(state: State, event: Event, config: Config, options: StepOptions = {}): Advanced {
  const result = step(state.world, event, config, defaultOwn && !options.inPlace && !options.own ? { ...options, own: defaultOwn } : options);
  // Written in place, the world is the same object whatever changed: it is always listed again.
  const visible = result.world === state.world && !options.inPlace ? null : visibleContainers(result.world);
  return { state: { world: result.world, ledger: takeNote(state.ledger, result.reports, result.world, visible ?? "seen") }, step: result, visible };
}

export interface Stepped {
  /** Position of the event among this run's events. */
  index: number;
  event: Event;
  step: StepResult;
  state: State;
  /** What the checked properties see violated after this event. */
  violations: readonly Violation[];
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
  // The properties are pure functions of the world and the ledger: when an event changed
  // neither, what they saw violated is what they saw after the event before.
  let violations: readonly Violation[] = noViolations;
  let checked: State | null = null;
  for (const [index, event] of events.entries()) {
    const next = advance(state, event, config, stepOptions);
    state = next.state;
    if (options.check && (checked === null || options.inPlace || state.world !== checked.world || state.ledger !== checked.ledger)) {
      violations = checkSafety(state.world, state.ledger, options.check, next.visible ?? visibleContainers(state.world));
      checked = state;
    }
    if (options.after?.({ index, event, step: next.step, state, violations })) break;
  }
  return state;
}

/** The state after these events, with no log and no checks: for callers that only need the end. */
export function stateAfter(events: readonly Event[], config: Config): State {
  return run(events, config, { log: false });
}
