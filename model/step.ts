// The transition function: (world, event, config) -> { world, log, call, reports }. Pure:
// immer produces the next world, nothing else is touched (unless the caller owns the world
// and asks for it to be written in place: the bench's ceiling). An event that does not apply
// leaves the world as it was and says why in the log, so every random sequence is legal.
// Each event type's handler is its entry in the event catalogue (events.ts).
import { eventCatalogue, type Event, type Transition } from "./events.ts";
import type { World } from "./world.ts";
import type { Config } from "./config.ts";
import type { Ctx, LogLine } from "./log.ts";
import type { Report } from "./ledger.ts";
import type { CallResult } from "./cri/call.ts";

export interface StepResult {
  world: World;
  log: LogLine[];
  /** The CRI call's result, for cri.* events. */
  call: CallResult | null;
  /** What the handlers told the observer (ledger.ts). */
  reports: Report[];
}

export interface StepOptions {
  /** Build the log (default true). */
  log?: boolean;
  /**
   * Write the world given in place instead of through immer (events.ts:changes): only for a
   * world the caller owns and never reads as it was (bench/: the ceiling immer leaves).
   */
  inPlace?: boolean;
  /**
   * Write in place on the caller's own copy of the world, which this makes when the event
   * first writes (properties/exhaustive.ts): an event that writes nothing returns the world
   * given, one that writes returns the copy.
   */
  own?: (world: World) => World;
}

const itself = (world: World) => world;

/** Any entry's handler, seen through the union of events. */
type Handle = (world: World, ctx: Ctx, event: Event) => Transition;

export function step(world: World, event: Event, config: Config, options: StepOptions = {}): StepResult {
  const own = options.own ?? (options.inPlace ? itself : undefined);
  const ctx: Ctx = { config, log: options.log === false ? null : [], reports: [], ...(own ? { own } : {}) };
  // The catalogue entry picked by the event's type takes exactly that event.
  const handle = eventCatalogue[event.type].handle as Handle;
  const { world: next, call } = handle(world, ctx, event);
  return { world: next, log: ctx.log ?? [], call, reports: ctx.reports };
}
