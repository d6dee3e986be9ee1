// The scenario side of the event catalogue (model/events.ts), keyed by the same event types:
// how a random scenario names each event (a command that refers to pods and containers by
// position rather than by id: an id would pin the create that made it and block shrinking),
// how a command resolves into concrete events against the state as it is, its generator
// fragments with their weights, and the commands the exhaustive checker tries. The compiler
// asks for an entry for every event type.
import fc from "fast-check";
import type { Event, EventOf, EventType } from "../model/events.ts";
import type { DiskLayout } from "../model/disk.ts";
import type { PodSpec } from "./scenario.ts";
import type { State } from "./run.ts";
import type { Outcome } from "../model/cri/storage.ts";
import { crashCalls, pointsOf, type CrashCall } from "../model/cri/crash.ts";

interface Generated<T extends EventType, A> {
  /** The events the command stands for in this state; none when it does not apply. */
  resolve: (args: A, pods: readonly PodSpec[], state: State) => EventOf<T>[];
  /** Fragments of one command for the generators (generators.ts), with their weights. */
  fragments: readonly { weight: number; arbitrary: fc.Arbitrary<A> }[];
  /**
   * The commands the exhaustive checker tries in every state: for each pod of the scope, once,
   * and once more only under the shared layout (where they change what happens).
   */
  alphabet: { perPod?: (pod: PodSpec, p: number) => A[]; once?: A[]; onShared?: A[] };
}

/** An event type no random scenario issues: it comes only from a trace, as it is. */
interface FromTracesOnly {
  fromTracesOnly: string;
}

/** One entry; the type argument binds the entry's events to its key, its arguments are inferred. */
const generated = <T extends EventType, A>(_type: T, entry: Generated<T, A>): Generated<T, A> => entry;

/** The command carries the event's own fields. */
const asIs =
  <T extends EventType>(type: T) =>
  (args: Omit<EventOf<T>, "type">): EventOf<T>[] =>
    // The fields are the event's own, so with its type they make the event.
    [{ type, ...args } as EventOf<T>];

/** Positions wrap around, so every generated position names a pod of the scope. */
function podAt(pods: readonly PodSpec[], position: number): PodSpec | undefined {
  return pods[position % Math.max(1, pods.length)];
}

const index = fc.nat({ max: 2 });

type HangScope = "all" | "pod" | "next-call";
export const hangScope = fc.constantFrom<HangScope>("all", "pod", "next-call");

type CrashPoint = { call: CrashCall; at: string };
/** Every crash point of every call, as containerd.crash's fields. */
export const crashPoint: fc.Arbitrary<CrashPoint> = fc.constantFrom(...crashCalls.flatMap((call) => pointsOf(call).map((at) => ({ call, at }))));
/**
 * The points at which the exhaustive checker lets a sync's call die: the two that leave a
 * container for recovery in a state no whole call leaves (a record without a checkpoint, a
 * CREATED checkpoint under a running task). The others are left to the random runs: each adds
 * a branch to every state (a third, RunPodSandbox's record-written, made the checker's depth-8
 * proofs about twice as slow).
 */
const checkedCrashPoints: CrashPoint[] = [
  { call: "createContainer", at: "record-written" },
  { call: "startContainer", at: "task-started" },
];
/** A `parallel` above any scope's container count: every load writes its temp file before any rename. */
export const allLoadsAtOnce = 64;
const byKubelet = "the kubelet's own sync makes these calls; a scenario names pods, not ids";

// Key order is the order of the generators' single-command fragments and of the checker's alphabet.
export const commandCatalogue = {
  // `crash`: containerd dies at that point inside one of the sync's calls (generators.ts aims it).
  "kubelet.sync": generated("kubelet.sync", {
    resolve: ({ pod, crash }: { pod: number; crash?: CrashPoint }, pods) => {
      const spec = podAt(pods, pod);
      return spec ? [{ type: "kubelet.sync", pod: spec.name, ...(crash ? { crash } : {}) }] : [];
    },
    fragments: [{ weight: 6, arbitrary: index.map((pod) => ({ pod })) }],
    alphabet: { perPod: (_, p) => [{ pod: p }, ...checkedCrashPoints.map((crash) => ({ pod: p, crash }))] },
  }),
  /** The newest running process of that container of that pod exits. */
  "process.exit": generated("process.exit", {
    resolve: ({ pod, container, code }: { pod: number; container: number; code: number }, pods, { world, ledger }) => {
      const spec = podAt(pods, pod);
      const name = spec?.containers[container % spec.containers.length];
      if (!spec || !name) return [];
      const target = ledger.containers.findLast((c) => c.pod === spec.name && c.name === name && world.shim.tasks[c.id]?.status === "running");
      return target ? [{ type: "process.exit", id: target.id, code }] : [];
    },
    fragments: [{ weight: 2, arbitrary: fc.record({ pod: index, container: index, code: fc.constantFrom(0, 1, 137) }) }],
    alphabet: { perPod: (pod, p) => pod.containers.map((_, c) => ({ pod: p, container: c, code: 0 })) },
  }),
  "containerd.stop": generated("containerd.stop", {
    resolve: asIs("containerd.stop"),
    fragments: [{ weight: 1, arbitrary: fc.constant({}) }],
    alphabet: { once: [{}] },
  }),
  // Recovery loads in creation order: a trace's `order` is for reproducing a given race. Its
  // loads run one at a time, or (on the shared layout, where a task delete or a rename frees a
  // block the next temp status file can take) all with their temp files at once: the two ends
  // of recover()'s errgroup (containerd 1.7 and later; 1.6 loads one at a time); generators.ts
  // also draws the orders between.
  "containerd.start": generated("containerd.start", {
    resolve: asIs("containerd.start"),
    fragments: [{ weight: 1, arbitrary: fc.constant({}) }],
    alphabet: { once: [{}], onShared: [{ parallel: allLoadsAtOnce }] },
  }),
  // A fill after which bolt's record updates find freed pages in meta.db (model/disk.ts: Freelist):
  // a choice the daemon's history makes, tried like recover()'s schedules.
  "disk.fill": generated("disk.fill", {
    resolve: asIs("disk.fill"),
    fragments: [
      { weight: 2, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: fc.constant({ freelist: "reuse" as const }) },
    ],
    alphabet: { once: [{}], onShared: [{ freelist: "reuse" }] },
  }),
  "disk.free": generated("disk.free", {
    resolve: asIs("disk.free"),
    fragments: [{ weight: 2, arbitrary: fc.constant({}) }],
    alphabet: { once: [{}] },
  }),
  // A nearly full disk: a sandbox takes 4 writes, a create 4, a start 2, an exit 1. On the
  // shared layout N free blocks (model/disk.ts): a sandbox takes 25 at 1 KiB (9 under the
  // freelist choice "reuse"), a create 22 (6), a start 1 (its status write's rename gives one
  // back), an exit gives one back (its task delete); the shared windows draw up to 60 (generators.ts).
  "disk.room": generated("disk.room", {
    resolve: asIs("disk.room"),
    fragments: [
      {
        weight: 1,
        arbitrary: fc.tuple(fc.integer({ min: 0, max: 10 }), fc.boolean()).map(([writes, reuse]) => (reuse ? { writes, freelist: "reuse" as const } : { writes })),
      },
    ],
    alphabet: { once: [{ writes: 1 }] },
  }),
  "clock.tick": generated("clock.tick", {
    resolve: asIs("clock.tick"),
    fragments: [{ weight: 1, arbitrary: fc.constantFrom(1, 10, 300).map((seconds) => ({ seconds })) }],
    alphabet: { once: [{ seconds: 300 }] },
  }),
  "kubelet.gc": generated("kubelet.gc", {
    resolve: asIs("kubelet.gc"),
    fragments: [{ weight: 1, arbitrary: fc.constant({}) }],
    alphabet: { once: [{}] },
  }),
  // Every create call, one pod's (its dead hostPath, #10828), or only the next one (a slow snapshot).
  "storage.hang": generated("storage.hang", {
    resolve: ({ scope, pod }: { scope: HangScope; pod: number }, pods) => {
      const name = podAt(pods, pod)?.name;
      if (scope === "all") return [{ type: "storage.hang" }];
      if (scope === "next-call") return [{ type: "storage.hang", calls: 1 }];
      return name === undefined ? [] : [{ type: "storage.hang", pod: name }];
    },
    fragments: [{ weight: 1, arbitrary: fc.record({ scope: hangScope, pod: index }) }],
    alphabet: { once: [{ scope: "all", pod: 0 }] },
  }),
  // Only inside the slow-create window (generators.ts): a resume with nothing waiting tells
  // nothing. `one`: only the oldest call waiting for that pod returns, the storage stays hung.
  "storage.resume": generated("storage.resume", {
    resolve: ({ waiting, pod, one }: { waiting: Outcome; pod: number; one: boolean }, pods, { world }) => {
      if (!one) return [{ type: "storage.resume", waiting }];
      const name = podAt(pods, pod)?.name;
      const call = world.cri.inFlight.find((c) => c.pod === name && !c.stuck);
      return call ? [{ type: "storage.resume", waiting, call: call.id }] : [];
    },
    fragments: [],
    alphabet: { once: [{ waiting: "finish", pod: 0, one: false }, { waiting: "stuck", pod: 0, one: false }] },
  }),
  // containerd will die at a point inside whichever call next reaches it (a later sync's, a late
  // call's return). The checker arms points only for one sync (kubelet.sync's crash), so that
  // no armed point outlives a step and multiplies its states.
  "containerd.crash": generated("containerd.crash", {
    resolve: asIs("containerd.crash"),
    fragments: [{ weight: 1, arbitrary: crashPoint }],
    alphabet: {},
  }),
  "shim.fail": generated("shim.fail", {
    resolve: asIs("shim.fail"),
    fragments: [{ weight: 1, arbitrary: fc.constantFrom("start" as const, "delete" as const).map((op) => ({ op })) }],
    alphabet: {},
  }),
  "faults.disarm": { fromTracesOnly: "only the healing suffix switches the armed faults off (scenario.ts:healingEvents)" },
  "pod.add": { fromTracesOnly: "a scenario's pods are added before its commands (scenario.ts:podEvents)" },
  "pod.delete": { fromTracesOnly: "random scenarios keep their pods; pod deletion has its own trace" },
  "cri.runPodSandbox": { fromTracesOnly: byKubelet },
  "cri.stopPodSandbox": { fromTracesOnly: byKubelet },
  "cri.removePodSandbox": { fromTracesOnly: byKubelet },
  "cri.createContainer": { fromTracesOnly: byKubelet },
  "cri.startContainer": { fromTracesOnly: byKubelet },
  "cri.stopContainer": { fromTracesOnly: byKubelet },
  "cri.removeContainer": { fromTracesOnly: byKubelet },
} satisfies { [T in EventType]: { resolve: (...args: never[]) => EventOf<T>[] } | FromTracesOnly };

type Catalogue = typeof commandCatalogue;
type GeneratedType = { [T in EventType]: Catalogue[T] extends FromTracesOnly ? never : T }[EventType];
type ArgsOf<T extends GeneratedType> = Catalogue[T] extends Generated<T, infer A> ? A : never;

/** A scenario's step: a command of the catalogue, or a concrete event (as in a known bug trace). */
export type Command = { [T in GeneratedType]: { do: T } & ArgsOf<T> }[GeneratedType] | { do: "event"; event: Event };

/** The catalogue's entries that scenarios issue, in key order (each seen with its arguments erased). */
const generatedEntries = Object.entries(commandCatalogue).flatMap(([type, entry]) =>
  "fromTracesOnly" in entry ? [] : [{ type: type as GeneratedType, entry: entry as Generated<GeneratedType, object> }],
);

/** An entry's arguments under its own type make a command of that type. */
const command = (type: GeneratedType, args: object): Command => ({ do: type, ...args }) as Command;

/** The concrete events of one command in this state; none when it does not apply. */
export function resolve(cmd: Command, pods: readonly PodSpec[], state: State): Event[] {
  if (cmd.do === "event") return [cmd.event];
  const { do: type, ...args } = cmd;
  // The entry for the command's own type takes its arguments.
  return (commandCatalogue[type] as Generated<GeneratedType, object>).resolve(args, pods, state);
}

/** Every single-command fragment of the catalogue, with its weight. */
export function commandFragments(): { weight: number; arbitrary: fc.Arbitrary<Command[]> }[] {
  return generatedEntries.flatMap(({ type, entry }) =>
    entry.fragments.map(({ weight, arbitrary }) => ({ weight, arbitrary: arbitrary.map((args) => [command(type, args)]) })),
  );
}

/** The commands the exhaustive checker tries in every state: each pod's, then the others. */
export function alphabet(pods: readonly PodSpec[], layout: DiskLayout = "split"): Command[] {
  const perPod = pods.flatMap((pod, p) => generatedEntries.flatMap(({ type, entry }) => (entry.alphabet.perPod?.(pod, p) ?? []).map((args) => command(type, args))));
  const onceArgs = ({ alphabet: a }: Generated<GeneratedType, object>) => [...(a.once ?? []), ...(layout === "shared" ? (a.onShared ?? []) : [])];
  const once = generatedEntries.flatMap(({ type, entry }) => onceArgs(entry).map((args) => command(type, args)));
  return [...perPod, ...once];
}
