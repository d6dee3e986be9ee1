// The costs on hand-made traces, where the right numbers can be worked out by hand: what a
// variant holds after an exit on a full disk, for how long, and which calls it refuses or delays.
import { describe, expect, it } from "vitest";
import type { Event } from "../model/events.ts";
import { configOrThrow } from "../model/config.ts";
import { step } from "../model/step.ts";
import { heldForExited } from "../model/resources.ts";
import { run, stateAfter, type Stepped } from "./run.ts";
import { CostTracker, addCosts, emptyCosts, statusWritesPerEvent, type RunCosts } from "./costs.ts";

function costsOf(events: readonly Event[], config: string): RunCosts {
  const c = configOrThrow(config);
  const tracker = new CostTracker(c);
  run(events, c, { log: false, after: ({ state, step: s }) => void tracker.note(state.world, s.reports) });
  return tracker.end();
}

const started: Event[] = [
  { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
  { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
  { type: "cri.startContainer", id: "A" },
];

// A exits on a full disk; then the pause process exits too, so that only A's task keeps the
// pod's shim alive; 5 s pass (the back-off retries fail), the disk is freed, 10 s pass.
const exitOnFullDisk: Event[] = [
  ...started,
  { type: "disk.fill" },
  { type: "process.exit", id: "A", code: 1 },
  { type: "process.exit", id: "sb", code: 0 },
  { type: "clock.tick", seconds: 5 },
  { type: "disk.free" },
  { type: "clock.tick", seconds: 10 },
];

describe("costs of an exit on a full disk", () => {
  it("keep-task-until-stored holds A's task (a mount, and the shim once the pause task is gone) from the exit until the retry after disk.free", () => {
    const config = configOrThrow("keep-task-until-stored/99748");
    const afterExit = stateAfter(exitOnFullDisk.slice(0, 5), config).world;
    expect(heldForExited(afterExit, config.disk)).toEqual({ tasks: ["A"], mounts: 1, shims: 0, blocks: 1 });
    const afterPause = stateAfter(exitOnFullDisk.slice(0, 6), config).world;
    expect(heldForExited(afterPause, config.disk)).toEqual({ tasks: ["A"], mounts: 1, shims: 1, blocks: 1 });
    const costs = costsOf(exitOnFullDisk, "keep-task-until-stored/99748");
    expect(costs).toMatchObject({ maxMounts: 1, maxShims: 1, maxBlocks: 1, finalMounts: 0, finalShims: 0 });
    // Held from t=0 (the exit) until the back-off retry that stores it: retries at 1, 3 fail
    // on the full disk (the first tick), the one due at 7 s runs in the tick after disk.free.
    expect(costs.longestHeldSeconds).toBe(7);
  });

  it("baseline deletes A's task before it tries to store the exit: nothing held, no time", () => {
    const costs = costsOf(exitOnFullDisk, "baseline/99748");
    expect(costs).toMatchObject({ maxMounts: 0, maxShims: 0, maxBlocks: 0, finalMounts: 0, longestHeldSeconds: 0 });
  });

  it("a task never deleted is held until the run's end and counted as final", () => {
    const never = exitOnFullDisk.slice(0, 7);
    const costs = costsOf(never, "keep-task-until-stored/99748");
    expect(costs).toMatchObject({ finalMounts: 1, finalShims: 1, longestHeldSeconds: 5 });
  });
});

describe("what is held once the faults stopped", () => {
  it("is what the run held when it settled, even if a later restart releases it", () => {
    const config = configOrThrow("keep-task-until-stored/99748");
    const tracker = new CostTracker(config);
    const after = ({ state, step: s }: Stepped) => void tracker.note(state.world, s.reports);
    const settled = run(exitOnFullDisk.slice(0, 6), config, { log: false, after });
    tracker.settle();
    const restarted: Event[] = [{ type: "disk.free" }, { type: "containerd.stop" }, { type: "containerd.start" }];
    const end = run(restarted, config, { log: false, from: settled, after });
    expect(settled.world.shim.tasks.A?.status).toBe("stopped");
    expect(end.world.shim.tasks.A).toBeUndefined();
    expect(tracker.end()).toMatchObject({ finalMounts: 1, finalShims: 1, maxMounts: 1 });
  });
});

describe("how long a task is held", () => {
  // A exits while containerd is down and 100 s pass; the restart on a full disk holds its
  // recovered status in memory only; 20 s pass, the disk is freed, 30 s pass.
  const heldAtRecovery: Event[] = [
    ...started,
    { type: "containerd.stop" },
    { type: "process.exit", id: "A", code: 3 },
    { type: "clock.tick", seconds: 100 },
    { type: "disk.fill" },
    { type: "containerd.start" },
    { type: "clock.tick", seconds: 20 },
    { type: "disk.free" },
    { type: "clock.tick", seconds: 30 },
  ];

  it("counts only time with containerd up, and a memory-only status rewritten by the 1 s ticker after disk.free", () => {
    // 20 s on the full disk, then 1 s into the last tick.
    expect(costsOf(heldAtRecovery, "keep-task-until-stored/99748").longestHeldSeconds).toBe(21);
    // short-term deletes the stopped task at the restart, before it writes the status.
    expect(costsOf(heldAtRecovery, "short-term/99748")).toMatchObject({ longestHeldSeconds: 0, maxMounts: 1, finalMounts: 0 });
  });
});

describe("StopContainer and RemoveContainer while the exit waits on a full disk", () => {
  const stopRemove: Event[] = [
    ...started,
    { type: "disk.fill" },
    { type: "process.exit", id: "A", code: 1 },
    { type: "cri.stopContainer", id: "A" },
    { type: "cri.removeContainer", id: "A" },
  ];

  it("keep-task-until-stored: StopContainer finds the held task stopped and its exit in back-off, returns at once; RemoveContainer is refused at once (still running)", () => {
    const costs = costsOf(stopRemove, "keep-task-until-stored/99748");
    expect(costs.stopContainer).toEqual({ calls: 1, refused: 0, delayed: 0 });
    expect(costs.removeContainer).toEqual({ calls: 1, refused: 1, delayed: 0 });
  });

  it("a StopContainer that kills the process on a full disk waits until its deadline under every variant: the exit cannot be stored", () => {
    const killOnFullDisk: Event[] = [...started, { type: "disk.fill" }, { type: "cri.stopContainer", id: "A" }, { type: "cri.stopContainer", id: "A" }];
    for (const config of ["baseline/99748", "keep-task-until-stored/99748"]) {
      // The second call finds the exit waiting in back-off and returns at once.
      expect(costsOf(killOnFullDisk, config).stopContainer, config).toEqual({ calls: 2, refused: 0, delayed: 1 });
    }
  });

  it("baseline: StopContainer finds no task and returns at once; RemoveContainer is refused at once (still running)", () => {
    const costs = costsOf(stopRemove, "baseline/99748");
    expect(costs.stopContainer).toEqual({ calls: 1, refused: 0, delayed: 0 });
    expect(costs.removeContainer).toEqual({ calls: 1, refused: 1, delayed: 0 });
  });

  it("calls while containerd is down are not a variant's refusals", () => {
    const costs = costsOf([...started, { type: "containerd.stop" }, { type: "cri.removeContainer", id: "A" }], "baseline/99748");
    expect(costs.removeContainer).toEqual({ calls: 1, refused: 0, delayed: 0 });
  });
});

describe("RemoveContainer with a held task", () => {
  // A exits while containerd is down; at the restart the disk is full, so its recovered EXITED
  // status is held in memory only and keep-task-until-stored keeps the stopped task.
  const heldAtRecovery: Event[] = [
    ...started,
    { type: "containerd.stop" },
    { type: "process.exit", id: "A", code: 3 },
    { type: "disk.fill" },
    { type: "containerd.start" },
  ];
  const keepTask = configOrThrow("keep-task-until-stored/99748");

  it("keep-task-until-stored deletes the stopped task first, then the container (its patch's deleteStoppedTask)", () => {
    const before = stateAfter(heldAtRecovery, keepTask).world;
    expect(before.shim.tasks.A?.status).toBe("stopped");
    const removed = step(before, { type: "cri.removeContainer", id: "A" }, keepTask, { log: false });
    expect(removed.call).toEqual({ ok: true });
    expect(removed.world.shim.tasks.A).toBeUndefined();
    expect(removed.world.metadata.containers.A).toBeUndefined();
  });

  it("without that code containerd refuses to delete a container that has a task (container.go:Delete, FailedPrecondition)", () => {
    const before = stateAfter(heldAtRecovery, keepTask).world;
    const removed = step(before, { type: "cri.removeContainer", id: "A" }, configOrThrow("short-term/99748"), { log: false });
    expect(removed.call).toEqual({ ok: false, error: 'failed to delete containerd container "A": cannot delete running task A: failed precondition' });
    expect(removed.world.metadata.containers.A).toBeDefined();
  });
});

describe("status writes", () => {
  it("counts every attempt, failed ones too: the start's write and the exit's failed one, then its retry", () => {
    const costs = costsOf(exitOnFullDisk, "baseline/99748");
    // create (StoreStatus), start (UpdateSync), the exit's failed UpdateSync, one back-off
    // retry in the first tick (the model tries once per tick: the disk cannot change within
    // one), then the retry after disk.free.
    expect(costs.statusWrites).toBe(5);
  });

  it("adds up over runs: sums, maxima, and the runs that ended holding something", () => {
    const a = costsOf(exitOnFullDisk, "keep-task-until-stored/99748");
    const b = costsOf(exitOnFullDisk.slice(0, 7), "keep-task-until-stored/99748");
    const total = addCosts(addCosts(emptyCosts(), a), b);
    expect(total).toMatchObject({ runs: 2, events: a.events + b.events, statusWrites: a.statusWrites + b.statusWrites, maxShims: 1, finalMounts: 1, runsHealedHolding: 1, longestHeldSeconds: 7 });
    expect(statusWritesPerEvent(total)).toBeCloseTo((a.statusWrites + b.statusWrites) / (a.events + b.events));
  });
});
