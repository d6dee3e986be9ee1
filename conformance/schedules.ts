// Which schedule of recover()'s loads the daemon took, for holding the model to a run.
//
// containerd 1.6.20 loads one container at a time in id order, and the run says which ids it
// had (recordings.ts: eventsAsRun): one schedule. containerd 1.7 loads them in an errgroup, a
// goroutine per container (pkg/cri/server/restart.go:recover since a5dfbfcf5), and no run
// reveals how their status writes interleaved: on a filesystem with one free block, two loads
// whose temp files overlap leave one of them skipped, two that do not both load. So a 1.7 run
// is held to the model under the trace's own schedule first and, if that disagrees, under each
// other schedule the model can take (cri/recover.ts: an order of the loaded containers, in
// waves of `parallel`); it agrees if one of them does, and the report names that schedule.
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import type { Observation } from "../model/observation.ts";
import { replay } from "../properties/replay.ts";
import { compareObservations, type FieldResult } from "./compare.ts";
import type { Release } from "./containerd-1.7.ts";
import { eventsAsRun, type LoadOrders } from "./recordings.ts";
import { freelistChoices } from "./freelist-choices.ts";

/** More containers than this at a restart: only the trace's schedule, id order one at a time, and all at once (4! x 4 = 96 orders and waves per restart is the most tried). */
const mostPermuted = 4;
/** Schedules tried in all, over every restart of the trace. */
const mostSchedules = 512;

export interface Held<J> {
  fields: FieldResult[];
  judged: J;
  /** The schedule the run agreed under, when it is not the trace's own. */
  schedule?: string;
}

/**
 * The model's observation under each schedule the daemon could have taken, compared with the
 * real one; the first that `clean` accepts wins, else the trace's own (so a disagreement is
 * reported against the schedule the trace names). bolt's freelist choices (freelist-choices.ts)
 * are tried first, on either release, each with the trace's own load schedule.
 */
export function heldToModel<J>(
  events: readonly Event[],
  release: Release,
  loadOrders: LoadOrders | undefined,
  config: Config,
  real: Observation,
  judge: (fields: FieldResult[]) => J,
  clean: (judged: J) => boolean,
): Held<J> {
  const compare = (run: readonly Event[]) => {
    const fields = compareObservations(replay(run, config, { log: false }).observation, real);
    return { fields, judged: judge(fields) };
  };
  const asRun = eventsAsRun(events, release, loadOrders);
  const own = compare(asRun);
  if (clean(own.judged)) return own;
  for (const { run, schedule } of otherRuns(events, asRun, release, loadOrders)) {
    const other = compare(run);
    if (clean(other.judged)) return { ...other, schedule };
  }
  return own;
}

/** The runs the daemon may have taken but the trace's own: bolt's freelist choices on either release, then 1.7's load schedules. */
function* otherRuns(events: readonly Event[], asRun: readonly Event[], release: Release, loadOrders: LoadOrders | undefined): Generator<{ run: Event[]; schedule: string }> {
  yield* freelistChoices(asRun);
  if (release !== "1.6" && loadOrders) yield* errgroupSchedules(events, loadOrders);
}

/** The trace with each containerd.start given every order and wave size of the containers it loaded, but the trace's own. */
function* errgroupSchedules(events: readonly Event[], loadOrders: LoadOrders): Generator<{ run: Event[]; schedule: string }> {
  const starts = events.flatMap((e, i) => (e.type === "containerd.start" && (loadOrders[String(i)]?.length ?? 0) > 1 ? [i] : []));
  const choices = starts.map((i) => loadsOf(loadOrders[String(i)]!));
  const written = JSON.stringify(events);
  let tried = 0;
  for (const pick of product(choices)) {
    if (++tried > mostSchedules) return;
    const at = new Map(starts.map((i, k) => [i, pick[k]!]));
    const run = events.map((e, i) => at.get(i) ?? e);
    if (JSON.stringify(run) === written) continue;
    const schedule = starts.map((i) => `containerd.start #${i}: order ${at.get(i)!.order!.join(",")}, parallel ${at.get(i)!.parallel}`).join("; ");
    yield { run, schedule };
  }
}

/** Every order of `ids` in waves of 1..n (a few of them past mostPermuted containers). */
function loadsOf(ids: readonly string[]): EventOfStart[] {
  const orders = ids.length <= mostPermuted ? permutations(ids) : [[...ids]];
  const waves = ids.length <= mostPermuted ? ids.map((_, k) => k + 1) : [1, ids.length];
  return orders.flatMap((order) => waves.map((parallel) => ({ type: "containerd.start" as const, order, parallel })));
}

type EventOfStart = Extract<Event, { type: "containerd.start" }>;

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((first, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]));
}

function* product<T>(sets: readonly (readonly T[])[]): Generator<T[]> {
  if (sets.length === 0) {
    yield [];
    return;
  }
  for (const head of sets[0]!) for (const tail of product(sets.slice(1))) yield [head, ...tail];
}
