// fast-check generators of scenarios over small scopes: 1 to 2 pods, 1 to 3 containers each,
// and a sequence of fragments: the catalogue's single commands (commands.ts) and the fault
// windows of containerd #7247 / #11504, weighted so that faults land where they matter.
import fc from "fast-check";
import { containerNames, podSpec, type PodSpec, type Scenario } from "./scenario.ts";
import { allLoadsAtOnce, commandFragments, crashPoint, hangScope, type Command } from "./commands.ts";
import type { Outcome } from "../model/cri/storage.ts";
import type { DiskLayout } from "../model/disk.ts";

export const podsArbitrary: fc.Arbitrary<PodSpec[]> = fc
  .array(fc.integer({ min: 1, max: containerNames.length }), { minLength: 1, maxLength: 2 })
  .map((counts) => counts.map((n, i) => podSpec(i, n)));

const index = fc.nat({ max: 2 });
const exitOf = fc.record({ pod: index, container: index, code: fc.constantFrom(0, 1, 137) });
const exit = exitOf.map((e): Command => ({ do: "process.exit", ...e }));
const stop: Command = { do: "containerd.stop" };
const start: Command = { do: "containerd.start" };
const free: Command = { do: "disk.free" };
const sync = (pod: number): Command => ({ do: "kubelet.sync", pod });
const room = (writes: number): Command => ({ do: "disk.room", writes });

/** Fault windows: short sequences of commands that only together reach a bug. */
const windows: { weight: number; arbitrary: fc.Arbitrary<Command[]> }[] = [
  // A crash the kubelet answers: the container restarts at the next attempt.
  { weight: 2, arbitrary: exitOf.map((e): Command[] => [{ do: "process.exit", ...e }, sync(e.pod)]) },
  { weight: 2, arbitrary: fc.constant([stop, start]) },
  // A restart on a full disk: every status rewrite at recovery fails.
  { weight: 2, arbitrary: fc.constant<Command[]>([{ do: "disk.fill" }, stop, start]) },
  // A restart on a nearly full disk (some status rewrites succeed, later ones fail), after
  // which space is freed again (log rotation, image GC).
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }).map((writes) => [room(writes), stop, start, free]) },
  // The kubelet creates and starts on a nearly full disk: which of its writes fail.
  { weight: 2, arbitrary: fc.record({ writes: fc.integer({ min: 1, max: 10 }), pod: index }).map(({ writes, pod }) => [room(writes), sync(pod)]) },
  // A create that outlives the kubelet's deadline (#4604): the kubelet retries, then the call
  // returns late, fails, or never returns (a stat stuck on a dead mount, #13867). The hang holds
  // every call, the pod's (#10828) or only the first (so a retry with a new attempt goes
  // through); the storage answers again, or only the oldest waiting call returns.
  {
    weight: 3,
    arbitrary: fc
      .record({ pod: index, scope: hangScope, waiting: fc.constantFrom<Outcome>("finish", "fail", "stuck"), one: fc.boolean() })
      .map(({ pod, scope, waiting, one }): Command[] => [
        { do: "storage.hang", scope, pod },
        sync(pod),
        { do: "clock.tick", seconds: 130 },
        sync(pod),
        { do: "storage.resume", waiting, pod, one },
        sync(pod),
      ]),
  },
  // containerd dies inside one of the kubelet's calls and starts again, maybe on a full disk.
  {
    weight: 3,
    arbitrary: fc.record({ crash: crashPoint, pod: index, full: fc.boolean() }).map(({ crash, pod, full }): Command[] => [
      { do: "kubelet.sync", pod, crash },
      ...(full ? [{ do: "disk.fill" } as const] : []),
      start,
    ]),
  },
  // #11504 short-term's risk (reference 7.a): a start interrupted after the task started, a
  // recovery on a full disk, the exit, and another restart.
  {
    weight: 1,
    arbitrary: exitOf.map((e): Command[] => [
      { do: "kubelet.sync", pod: e.pod, crash: { call: "startContainer", at: "task-started" } },
      { do: "disk.fill" },
      start,
      { do: "process.exit", ...e },
      stop,
      start,
    ]),
  },
  // The shim fails to start a task, and the rollback's task delete fails too: a leaky sandbox
  // (TestRunPodSandboxWithShimDeleteFailure), or a failed start whose task stays.
  { weight: 1, arbitrary: index.map((pod): Command[] => [{ do: "shim.fail", op: "start" }, { do: "shim.fail", op: "delete" }, sync(pod)]) },
  // An exit while containerd is down: only the shim knows the exit code.
  { weight: 2, arbitrary: exit.map((e) => [stop, e, start]) },
  // A create between two restarts, after the disk got room again: what the kubelet does when
  // it can no longer see a container, and what the next recovery makes of it.
  { weight: 2, arbitrary: index.map((pod) => [stop, start, free, sync(pod), stop, start]) },
];

/**
 * On the shared layout a task delete and a status file's rename free blocks that the next
 * write can take, so recover()'s parallel loads (containerd 1.7 and later: an errgroup) matter: a restart on a
 * full disk with 2, 3 or every load holding its temp status file at once, and one where
 * exits while containerd is down leave stopped tasks whose deletes free blocks as the loads go.
 */
const parallelStart = fc.constantFrom(2, 3, allLoadsAtOnce).map((parallel): Command => ({ do: "containerd.start", parallel }));
const sharedWindows: { weight: number; arbitrary: fc.Arbitrary<Command[]> }[] = [
  { weight: 2, arbitrary: parallelStart.map((s) => [{ do: "disk.fill" }, stop, s]) },
  { weight: 2, arbitrary: fc.tuple(exit, parallelStart).map(([e, s]) => [{ do: "disk.fill" }, stop, e, s]) },
  // The kubelet creates and starts on a nearly full disk, counted in blocks (model/disk.ts): up
  // to a sandbox and a create with bolt growing (25 and 22 blocks at 1 KiB) and a few writes more.
  {
    weight: 2,
    arbitrary: fc
      .record({ blocks: fc.integer({ min: 0, max: 60 }), reuse: fc.boolean(), pod: index })
      .map(({ blocks, reuse, pod }): Command[] => [{ ...room(blocks), ...(reuse ? { freelist: "reuse" as const } : {}) }, sync(pod)]),
  },
];

/** The longest scenario body, in fragments; fast-check's default size would cap it near ten. */
export const maxFragments = 16;

function scenarios(fragment: fc.Arbitrary<Command[]>): fc.Arbitrary<Scenario> {
  return fc.record({
    pods: podsArbitrary,
    commands: fc.array(fragment, { minLength: 1, maxLength: maxFragments, size: "max" }).map((fragments) => fragments.flat()),
  });
}

export const scenarioArbitrary: fc.Arbitrary<Scenario> = scenarios(fc.oneof(...commandFragments(), ...windows));
const sharedScenarioArbitrary: fc.Arbitrary<Scenario> = scenarios(fc.oneof(...commandFragments(), ...windows, ...sharedWindows));

/** The scenarios of a disk layout: the shared layout's add its parallel restarts. */
export function scenariosOn(layout: DiskLayout): fc.Arbitrary<Scenario> {
  return layout === "shared" ? sharedScenarioArbitrary : scenarioArbitrary;
}
