// The event catalogue: one entry per event type of a trace (design.md, "Trace files"),
// holding its zod schema, its handler (what step does with it) and whether and how the
// conformance harness runs it on the real daemon. The schemas are the one definition of the
// vocabulary: the Event type is inferred from them and the trace loader validates with them.
// What a random scenario makes of each type (commands, generator fragments, the exhaustive
// checker's alphabet) is properties/commands.ts, keyed by the same types.
import { z } from "zod";
import { produce } from "immer";
import type { World } from "./world.ts";
import { say, type Ctx } from "./log.ts";
import { cri } from "./cri/api.ts";
import type { CallResult } from "./cri/call.ts";
import { startContainerd, stopContainerd } from "./cri/recover.ts";
import { taskExited } from "./cri/exit-handler.ts";
import { timePasses } from "./cri/timers.ts";
import { hangStorage, resumeStorage } from "./cri/storage.ts";
import { crashCalls, crashPoints, pointsOf, type CrashCall } from "./cri/crash.ts";
import { addPod, deletePod } from "./kubelet/pods.ts";
import { planSyncPod, syncPod } from "./kubelet/sync-pod.ts";
import { garbageCollect, planGarbageCollection } from "./kubelet/gc.ts";
import { callReturned } from "./kubelet/pod-worker.ts";
import { callDeadline, runtimeGone } from "./kubelet/remote-runtime.ts";
import { diskLayouts, filesystemNames, filesystemOf, freelistChoices, type FsName } from "./disk.ts";
import { releaseNames } from "./releases.ts";

const label = z.string().min(1, "must be a non-empty string");
const attempt = z.number().int().min(0);

export const restartPolicies = ["Always", "OnFailure", "Never"] as const;
export type RestartPolicy = (typeof restartPolicies)[number];

/** What one event does: the next world, and the CRI call's result for cri.* events. */
export interface Transition {
  world: World;
  call: CallResult | null;
}

/**
 * How the conformance harness (conformance/run-trace.ts) reproduces the event on a real
 * containerd, or why it cannot.
 */
export type OnDaemon = { runs: string } | { cannot: string };

export interface CatalogueEntry<S extends z.ZodType> {
  schema: S;
  /** Pure: the world it is given is never changed (immer). */
  handle: (world: World, ctx: Ctx, event: z.infer<S>) => Transition;
  daemon: OnDaemon;
}

/** One entry; the handler's event type is inferred from the schema. */
const entry = <S extends z.ZodType>(e: CatalogueEntry<S>): CatalogueEntry<S> => e;

/**
 * The one place the model writes the world: inside one immer draft, so the world it was given
 * stays as it was; or, when the caller asked for it (ctx.own), in place on the caller's own
 * world (the bench's ceiling: the world itself; the checker: its copy, made only now that the
 * event writes).
 */
function changes(world: World, ctx: Ctx, change: (w: World) => CallResult | void): Transition {
  if (ctx.own) {
    const own = ctx.own(world);
    return { world: own, call: change(own) ?? null };
  }
  let call: CallResult | null = null;
  const next = produce(world, (w) => {
    call = change(w) ?? null;
  });
  return { world: next, call };
}

/**
 * Runs what an event does with containerd armed to die at `crash` (cri/crash.ts): a cri.* event's
 * crashAt, a kubelet.sync's crash. A point not reached by the end of the event (its call failed
 * before, went on waiting, or was not made) is disarmed, and what was armed before is back.
 */
function withCrash<T>(w: World, crash: { call: CrashCall; at: string } | undefined, run: () => T): T {
  const armed = w.faults.crash && { ...w.faults.crash };
  if (crash) w.faults.crash = { ...crash };
  const result = run();
  if (crash && w.faults.crash?.call === crash.call && w.faults.crash.at === crash.at) w.faults.crash = armed;
  return result;
}

/** A cri.* event's call, with its crashAt. */
function criCall(world: World, ctx: Ctx, call: CrashCall, crashAt: string | undefined, make: (w: World) => CallResult): Transition {
  return changes(world, ctx, (w) => withCrash(w, crashAt === undefined ? undefined : { call, at: crashAt }, () => make(w)));
}

/** A crash point's call and name must go together: `at` is one of `call`'s points. */
function checkPoint(point: { call: CrashCall; at: string }, issues: z.RefinementCtx, path: (string | number)[]): void {
  const points = Object.keys(crashPoints[point.call]);
  if (!points.includes(point.at)) issues.addIssue({ code: "custom", path, message: `${point.call} has no crash point ${JSON.stringify(point.at)}; its points: ${points.join(", ")}` });
}

const crashCall = z.enum(crashCalls as [CrashCall, ...CrashCall[]]);

/** The optional crash point of a call's event: one of that call's points. */
const crashAt = <C extends CrashCall>(call: C) => z.enum(pointsOf(call)).optional();

/** The CRI calls that name one sandbox or container by id and nothing else. */
type ByIdCall = "stopPodSandbox" | "removePodSandbox" | "startContainer" | "stopContainer" | "removeContainer";

/** How the harness makes a cri.* event's crashAt (conformance/crash-points.ts). */
const crashOnDaemon = "; crashAt: a --variant build holds the call at the point's TEST-ONLY hook and containerd is SIGKILLed there";

/** The entry of a by-id CRI call: `cri.<call>` with the id and an optional crash point, run through the CRI API. */
function byIdCall<T extends `cri.${ByIdCall}`, C extends ByIdCall>(type: T, call: C, daemon: string) {
  return entry({
    schema: z.strictObject({ type: z.literal(type), id: label, crashAt: crashAt(call) }),
    handle: (world, ctx, e) => criCall(world, ctx, call, e.crashAt, (w) => cri[call](w, ctx, e.id)),
    daemon: { runs: daemon + crashOnDaemon },
  });
}

const noKubelet: OnDaemon = { cannot: "no real kubelet runs on the conformance host; lower the trace to CRI calls first" };

export const eventCatalogue = {
  "pod.add": entry({
    schema: z.strictObject({
      type: z.literal("pod.add"),
      pod: label,
      containers: z.array(label).min(1),
      restartPolicy: z.enum(restartPolicies).optional(),
    }),
    handle: (world, ctx, e) => changes(world, ctx, (w) => addPod(w, ctx, e.pod, e.containers, e.restartPolicy ?? "Always")),
    daemon: noKubelet,
  }),
  "pod.delete": entry({
    schema: z.strictObject({ type: z.literal("pod.delete"), pod: label }),
    handle: (world, ctx, e) => changes(world, ctx, (w) => deletePod(w, ctx, e.pod)),
    daemon: noKubelet,
  }),
  // `crash` (added): containerd dies at that point inside one of the calls this sync makes.
  "kubelet.sync": entry({
    schema: z
      .strictObject({ type: z.literal("kubelet.sync"), pod: label, crash: z.strictObject({ call: crashCall, at: z.string() }).optional() })
      .superRefine((e, issues) => e.crash && checkPoint(e.crash, issues, ["crash", "at"])),
    // The kubelet decides on what it listed before it acts, so its plan is made on the world
    // as it is, outside the draft; a sync with nothing to do changes nothing.
    handle: (world, ctx, e) => {
      const plan = planSyncPod(world, ctx, e.pod);
      return plan ? changes(world, ctx, (w) => void withCrash(w, e.crash, () => syncPod(w, ctx, plan))) : { world, call: null };
    },
    daemon: noKubelet,
  }),
  // Added to design.md's list: one pass of the kubelet's container GC (kuberuntime_gc.go).
  "kubelet.gc": entry({
    schema: z.strictObject({ type: z.literal("kubelet.gc") }),
    // Planned on the world as the pass finds it: a pass with nothing to remove changes nothing.
    handle: (world, ctx) => {
      const plan = planGarbageCollection(world);
      return plan ? changes(world, ctx, (w) => garbageCollect(w, ctx, plan)) : { world, call: null };
    },
    daemon: noKubelet,
  }),
  // A trace's CRI calls are made as the kubelet's CRI client makes them, deadlines included.
  "cri.runPodSandbox": entry({
    schema: z.strictObject({ type: z.literal("cri.runPodSandbox"), pod: label, id: label, attempt, crashAt: crashAt("runPodSandbox") }),
    handle: (world, ctx, e) =>
      criCall(world, ctx, "runPodSandbox", e.crashAt, (w) => cri.runPodSandbox(w, ctx, { id: e.id, pod: e.pod, attempt: e.attempt, deadline: callDeadline(w, "runPodSandbox") })),
    daemon: { runs: "RunPodSandbox through the CRI socket" + crashOnDaemon },
  }),
  "cri.stopPodSandbox": byIdCall("cri.stopPodSandbox", "stopPodSandbox", "StopPodSandbox through the CRI socket"),
  "cri.removePodSandbox": byIdCall("cri.removePodSandbox", "removePodSandbox", "RemovePodSandbox through the CRI socket"),
  "cri.createContainer": entry({
    schema: z.strictObject({
      type: z.literal("cri.createContainer"),
      id: label,
      sandbox: label,
      name: label,
      attempt,
      command: z.array(z.string()).optional(),
      crashAt: crashAt("createContainer"),
    }),
    handle: (world, ctx, e) =>
      criCall(world, ctx, "createContainer", e.crashAt, (w) =>
        cri.createContainer(w, ctx, { id: e.id, sandboxId: e.sandbox, name: e.name, attempt: e.attempt, deadline: callDeadline(w, "createContainer") }),
      ),
    daemon: { runs: "CreateContainer through the CRI socket (busybox, the trace's command or a control script)" + crashOnDaemon },
  }),
  "cri.startContainer": byIdCall("cri.startContainer", "startContainer", "StartContainer through the CRI socket"),
  "cri.stopContainer": byIdCall("cri.stopContainer", "stopContainer", "StopContainer through the CRI socket, timeout 0"),
  "cri.removeContainer": byIdCall("cri.removeContainer", "removeContainer", "RemoveContainer through the CRI socket"),
  "process.exit": entry({
    schema: z.strictObject({ type: z.literal("process.exit"), id: label, code: z.number().int().min(0).max(255) }),
    handle: (world, ctx, e) =>
      changes(world, ctx, (w) => {
        if (w.shim.tasks[e.id]?.status !== "running") say(ctx, "shim", `no running process for ${e.id}`);
        else taskExited(w, ctx, e.id, e.code);
      }),
    daemon: { runs: "the container's control script exits with the code (a custom command is killed: 137 only)" },
  }),
  "containerd.stop": entry({
    schema: z.strictObject({ type: z.literal("containerd.stop") }),
    handle: (world, ctx) =>
      changes(world, ctx, (w) => {
        stopContainerd(w, ctx);
        runtimeGone(w, ctx);
      }),
    daemon: { runs: "SIGTERM to the daemon; shims live on" },
  }),
  // `parallel` (added): recover()'s container loads run in waves of this many (cri/recover.ts):
  // without it as the configuration's release loads them (1.6: one at a time; 1.7 and later:
  // all at once, an errgroup; model/releases.ts), 1 or more as a schedule of 1.7's errgroup.
  "containerd.start": entry({
    schema: z.strictObject({ type: z.literal("containerd.start"), order: z.array(label).optional(), parallel: z.number().int().min(1).optional() }),
    handle: (world, ctx, e) => changes(world, ctx, (w) => startContainerd(w, ctx, { order: e.order ?? [], ...(e.parallel === undefined ? {} : { parallel: e.parallel }) })),
    daemon: { runs: "the daemon starts on the same root and state" },
  }),
  // `fs` (added): only the filesystem that holds containerd's root ("root") or the CRI
  // plugin's dir ("cri"); one and the same under the shared layout. Without it, every one.
  // Blocks freed later (a task delete, a rename, a remove) can be written again.
  // `freelist` (added): what bbolt's freelist holds for a record update from now on (disk.ts: Freelist).
  "disk.fill": entry({
    schema: z.strictObject({ type: z.literal("disk.fill"), fs: z.enum(filesystemNames).optional(), freelist: z.enum(freelistChoices).optional() }),
    handle: (world, ctx, e) =>
      changes(world, ctx, (w) => {
        w.disk.room = null;
        w.disk.freelist = e.freelist ?? "grow";
        for (const fs of named(ctx, e.fs)) w.disk.free[fs] = 0;
        say(ctx, "disk", e.fs === undefined ? "full: every write fails with ENOSPC" : `${filesystemOf(ctx, e.fs)} filesystem full: its writes fail with ENOSPC`);
      }),
    daemon: { runs: "the small loop-mounted filesystem(s) are filled" },
  }),
  "disk.free": entry({
    schema: z.strictObject({ type: z.literal("disk.free"), fs: z.enum(filesystemNames).optional() }),
    handle: (world, ctx, e) =>
      changes(world, ctx, (w) => {
        w.disk.room = null;
        for (const fs of named(ctx, e.fs)) w.disk.free[fs] = null;
        say(ctx, "disk", e.fs === undefined ? "room again" : `room again on the ${filesystemOf(ctx, e.fs)} filesystem`);
      }),
    daemon: { runs: "the small filesystem(s) get their space back" },
  }),
  // Added: a nearly full disk (reference section 8.1 variant C: some loads succeed, some
  // fail). Under the split layout the next `writes` writes succeed, whatever their size and
  // filesystem, and every later one fails with ENOSPC until disk.free, blocks freed meanwhile
  // or not (the meaning every trace before the layouts has). Under the shared layout it is
  // restated in blocks: the one filesystem has `writes` free blocks (a status write or a
  // directory takes one), and blocks freed later count.
  "disk.room": entry({
    schema: z.strictObject({ type: z.literal("disk.room"), writes: z.number().int().min(0), freelist: z.enum(freelistChoices).optional() }),
    handle: (world, ctx, e) =>
      changes(world, ctx, (w) => {
        const shared = ctx.config.disk.layout === "shared";
        w.disk.freelist = e.freelist ?? "grow";
        w.disk.room = shared ? null : e.writes;
        w.disk.free = { root: shared ? e.writes : null, cri: null };
        say(ctx, "disk", shared ? `nearly full: ${e.writes} free block(s)` : `nearly full: room for ${e.writes} more write(s)`);
      }),
    daemon: {
      runs:
        "the filesystems are filled, then exactly the blocks the model needs are freed (conformance/disk-room.ts): N on the shared layout; on the split layout the fewest free blocks on the root and CRI filesystems under which the model, counting blocks, ends the trace as with N writes (a trace for which there are none is skipped)",
    },
  }),
  // Added: the storage CreateContainer and RunPodSandbox wait on (snapshotter, volume mounts)
  // stops answering: from now on such a call reserves its name and then waits (#4604, #13867).
  // `pod` (added): only that pod's calls (#10828: a stat on its dead hostPath); `calls` (added):
  // only the next N calls (a slow snapshot), later ones go through.
  "storage.hang": entry({
    schema: z.strictObject({ type: z.literal("storage.hang"), pod: label.optional(), calls: z.number().int().min(1).optional() }),
    handle: (world, ctx, e) => changes(world, ctx, (w) => hangStorage(w, ctx, { pod: e.pod, calls: e.calls })),
    daemon: { runs: "a build with the TEST-ONLY hooks (--variant) holds every create call inside NewContainer, before the rootfs snapshot (conformance/slow-calls.ts); one pod's or the next N calls are not wired" },
  }),
  // Added: the storage answers again: new calls go through; the calls already waiting finish
  // now ("finish", a slow call that returns late), fail ("fail", the stat or snapshot returns an
  // error: the call rolls back and releases its name) or never return ("stuck", a stat blocked for
  // good on a dead mount: only a containerd restart ends them). `pod` (added): only that pod's
  // storage; `call` (added): only that waiting call returns, the storage stays hung for the rest.
  "storage.resume": entry({
    schema: z.strictObject({
      type: z.literal("storage.resume"),
      waiting: z.enum(["finish", "fail", "stuck"]).optional(),
      pod: label.optional(),
      call: label.optional(),
    }),
    handle: (world, ctx, e) =>
      changes(world, ctx, (w) => {
        for (const returned of resumeStorage(w, ctx, { pod: e.pod, call: e.call }, e.waiting ?? "finish")) callReturned(w, ctx, returned);
        // containerd died inside a returning call (cri/crash.ts): the kubelet's other calls break.
        if (w.cri.phase === "down") runtimeGone(w, ctx);
      }),
    daemon: { runs: "finish: the hold is lifted and the held calls go on with their contexts as they are now; stuck: the calls held now stay held until containerd stops; fail, pod and call are not wired" },
  }),
  // Added: containerd will die when a call next reaches this point (cri/crash.ts lists them);
  // armed until then, across restarts, as a patched build's test hook would be: a late call's
  // return, or any later sync, can reach it.
  "containerd.crash": entry({
    schema: z
      .strictObject({ type: z.literal("containerd.crash"), call: crashCall, at: z.string() })
      .superRefine((e, issues) => checkPoint(e, issues, ["at"])),
    handle: (world, ctx, e) =>
      changes(world, ctx, (w) => {
        w.faults.crash = { call: e.call, at: e.at };
        say(ctx, "cri", `containerd will die when a ${e.call} call reaches ${e.at}`);
      }),
    daemon: { cannot: "the packaged daemon has no hook to die at a point inside a call; a patched build's test hook is needed" },
  }),
  // Added: the shim's next task Start ("start") or task Delete ("delete") fails once, as the
  // failpoint shim of containerd's integration tests makes it (runc-fp, "1*error(...)").
  // "delete" is taken by the deletes whose failure the model follows: the deferred ones of
  // RunPodSandbox and StartContainer, and the exit handler's.
  "shim.fail": entry({
    schema: z.strictObject({ type: z.literal("shim.fail"), op: z.enum(["start", "delete"]) }),
    handle: (world, ctx, e) =>
      changes(world, ctx, (w) => {
        w.faults.shim.push(e.op);
        say(ctx, "shim", `the next task ${e.op} fails`);
      }),
    daemon: { cannot: "the packaged runc shim has no failpoints; the failpoint shim (runc-fp) of containerd's integration tests is needed" },
  }),
  // Added: the test hooks are switched off: no crash point and no shim failure stays armed
  // (the healing suffix of random scenarios: the faults stop).
  "faults.disarm": entry({
    schema: z.strictObject({ type: z.literal("faults.disarm") }),
    handle: (world, ctx) =>
      changes(world, ctx, (w) => {
        w.faults.crash = null;
        w.faults.shim = [];
        say(ctx, "cri", "no crash point or shim failure armed any more");
      }),
    daemon: { cannot: "the packaged daemon has no test hooks to switch off" },
  }),
  // Added: logical time passes, so the CRI plugin's exit back-off queue retries what is due
  // (internal/cri/server/events/events.go: first retry after 1 s, doubling, at most 5 min).
  "clock.tick": entry({
    schema: z.strictObject({ type: z.literal("clock.tick"), seconds: z.number().int().min(1) }),
    handle: (world, ctx, e) =>
      changes(world, ctx, (w) => {
        w.clock.seconds += e.seconds;
        say(ctx, "cri", `${e.seconds}s pass`);
        timePasses(w, ctx);
      }),
    daemon: { runs: "real time passes: the harness sleeps the seconds (containerd's exit back-off runs on real time), at most 30 s per tick; a longer tick is refused" },
  }),
};

/** The filesystems an event names (all of them without `fs`), as the layout has them. */
function named(ctx: Ctx, fs: FsName | undefined): FsName[] {
  return fs === undefined ? filesystemNames.map((f) => filesystemOf(ctx, f)) : [filesystemOf(ctx, fs)];
}

export type EventType = keyof typeof eventCatalogue;
type Schema = (typeof eventCatalogue)[EventType]["schema"];

export const eventSchema = z.discriminatedUnion(
  "type",
  Object.values(eventCatalogue).map((e) => e.schema) as unknown as [Schema, ...Schema[]],
);

export type Event = z.infer<typeof eventSchema>;
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;

export const traceSchema = z.strictObject({
  name: label,
  description: z.string(),
  config: z.string().optional(),
  /** The disk layout the trace was written for (disk.ts); --disk wins over it. */
  disk: z.enum(diskLayouts).optional(),
  /** The containerd release the trace was written for (releases.ts); --containerd wins over it. */
  containerd: z.enum(releaseNames).optional(),
  events: z.array(z.unknown()),
});
