// The disk in blocks: what a write takes and what a delete, a rename or a remove gives back,
// on both layouts, at both block sizes; recover()'s parallel loads.
import { describe, expect, it } from "vitest";
import { configOrThrow, onDisk, type Config } from "../model/config.ts";
import type { Event } from "../model/events.ts";
import { statusFileBlocks, type DiskLayout } from "../model/disk.ts";
import { replay } from "./replay.ts";

const on = (disk: DiskLayout, config = "baseline/99748"): Config => onDisk(configOrThrow(config), disk);

const running: Event[] = [
  { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
  { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
  { type: "cri.startContainer", id: "A" },
];
const exitOnFullDisk: Event[] = [...running, { type: "disk.fill" }, { type: "process.exit", id: "A", code: 2 }];

/** A created container, the CRI plugin's filesystem filled, then its start. */
const createdThenCriFull: Event[] = [
  { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
  { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
  { type: "disk.fill", fs: "cri" },
  { type: "cri.startContainer", id: "A" },
];

const container = (events: readonly Event[], config: Config, id: string) => replay(events, config).observation.containers.find((c) => c.id === id);

describe("an exit on a full disk", () => {
  it("split: the task delete frees a block of the root filesystem, the status write on the CRI plugin's still fails: RUNNING", () => {
    const r = replay(exitOnFullDisk, on("split"));
    expect(r.observation.containers[0]).toMatchObject({ state: "CONTAINER_RUNNING", process: "exited" });
    expect(r.world.disk.free).toEqual({ root: 1, cri: 0 });
  });

  it("shared: the task delete frees the block the status needs, and the rename frees the old one: EXITED 2, one block free", () => {
    const r = replay(exitOnFullDisk, on("shared"));
    expect(r.observation.containers[0]).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 2 });
    expect(r.world.disk.free).toEqual({ root: 1, cri: null });
  });

  it("long-term, shared: the record update takes the block the task delete freed, as on long-term's daemon: EXITED 2", () => {
    expect(container(exitOnFullDisk, on("shared", "long-term/99748"), "A")).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 2 });
  });

  it("long-term: a record update with no block freed fails on a full disk (a start that failed before its task existed)", () => {
    const startOnFullDisk: Event[] = [
      { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
      { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
      { type: "disk.fill" },
      { type: "cri.startContainer", id: "A" },
    ];
    for (const layout of ["split", "shared"] as const) expect(container(startOnFullDisk, on(layout, "long-term/99748"), "A")?.state).toBe("CONTAINER_CREATED");
  });
});

describe("bbolt's freelist choice", () => {
  // shared-start-failure-fits: A runs, B is created, the disk fills, A exits, B is started.
  const startAfterExit = (freelist?: "grow" | "reuse"): Event[] => [
    { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
    { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
    { type: "cri.createContainer", id: "B", sandbox: "sb", name: "b", attempt: 0 },
    { type: "cri.startContainer", id: "A" },
    freelist ? { type: "disk.fill", freelist } : { type: "disk.fill" },
    { type: "process.exit", id: "A", code: 2 },
    { type: "cri.startContainer", id: "B" },
  ];

  it("long-term, grow (the default): A's exit update, its record's second rewrite, takes the pages the first freed; B's task takes the block A's task delete freed, but B's StartedAt update, a first rewrite, needs a page: killed, CREATED", () => {
    const r = replay(startAfterExit(), on("shared", "long-term/99748"));
    expect(r.observation.containers.find((c) => c.id === "A")).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 2 });
    expect(r.observation.containers.find((c) => c.id === "B")).toMatchObject({ state: "CONTAINER_CREATED", process: "exited" });
  });

  it("long-term, reuse: both record updates go into freed pages, B's task takes the freed block and runs, as on long-term's daemon", () => {
    expect(container(startAfterExit("reuse"), on("shared", "long-term/99748"), "B")).toMatchObject({ state: "CONTAINER_RUNNING", process: "running" });
  });

  it("a status checkpoint file is no bolt commit: baseline is the same under either choice", () => {
    expect(container(startAfterExit("reuse"), on("shared"), "B")).toEqual(container(startAfterExit(), on("shared"), "B"));
  });
});

describe("disk.fill with fs", () => {

  it("split, only the CRI plugin's filesystem full: the task starts, the StartedAt write fails, the process is killed, A stays CREATED", () => {
    expect(container(createdThenCriFull, on("split"), "A")).toMatchObject({ state: "CONTAINER_CREATED", process: "exited" });
  });

  it("shared: the CRI plugin's dir is on the root filesystem, so the task's work dir fails first and nothing ran", () => {
    expect(container(createdThenCriFull, on("shared"), "A")).toMatchObject({ state: "CONTAINER_CREATED", process: "none" });
  });
});

describe("disk.room", () => {
  const roomThenExitThenStart: Event[] = [
    { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
    { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
    { type: "cri.createContainer", id: "B", sandbox: "sb", name: "b", attempt: 0 },
    { type: "cri.startContainer", id: "A" },
    { type: "disk.room", writes: 0 },
    { type: "process.exit", id: "A", code: 0 },
    { type: "cri.startContainer", id: "B" },
  ];

  it("split: room for N more writes whatever is freed meanwhile (the meaning of every older trace): with none, the exit's write fails and B's start too", () => {
    const o = replay(roomThenExitThenStart, on("split")).observation;
    expect(o.containers.map((c) => c.state)).toEqual(["CONTAINER_RUNNING", "CONTAINER_CREATED"]);
    expect(o.containers[1]?.process).toBe("none");
  });

  it("shared: N free blocks, and freed blocks count: with none, the exit's task delete gives one back, B's task takes it and its start fails at the status write", () => {
    const o = replay(roomThenExitThenStart, on("shared")).observation;
    expect(o.containers.map((c) => [c.state, c.exitCode])).toEqual([
      ["CONTAINER_EXITED", 0],
      ["CONTAINER_EXITED", 128],
    ]);
  });
});

describe("removing gives blocks back", () => {
  it("shared: RemoveContainer of an exited container on a full disk frees its root dir and status at once, its snapshot at the garbage collector's next round: a start that needs one block fits", () => {
    const events: Event[] = [
      { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
      { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
      { type: "cri.createContainer", id: "B", sandbox: "sb", name: "b", attempt: 0 },
      { type: "cri.startContainer", id: "A" },
      { type: "cri.stopContainer", id: "A" },
      { type: "disk.fill" },
      { type: "cri.removeContainer", id: "A" },
      { type: "cri.startContainer", id: "B" },
    ];
    const r = replay(events, on("shared"));
    expect(r.observation.calls.map((c) => c.ok)).toEqual([true, true, true, true, true, true, true]);
    expect(r.observation.containers[1]?.state).toBe("CONTAINER_RUNNING");
    // Freed: A's root dir (1) and status (1); B's task work dir took 1. A's snapshot waits.
    expect(r.world.disk.free.root).toBe(1);
    expect(r.world.disk.collectable).toBe(1);
    // A second passes: the collector removes the snapshot's 4 blocks.
    expect(replay([...events, { type: "clock.tick", seconds: 1 }], on("shared")).world.disk.free.root).toBe(5);
  });

  it("shared: a restart's start-up collection frees the snapshot too; a CreateContainer whose bolt commit failed leaves its snapshot to it", () => {
    const events: Event[] = [
      { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
      { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
      { type: "disk.room", writes: 10 },
      { type: "cri.createContainer", id: "B", sandbox: "sb", name: "b", attempt: 0 },
    ];
    const failed = replay(events, on("shared"));
    // B: its root dir (1, given back) and snapshot (4) fit, its bolt commits (16) do not.
    expect(failed.observation.calls[2]).toMatchObject({ ok: false });
    expect(failed.world.disk).toMatchObject({ free: { root: 6 }, collectable: 1 });
    const restarted = replay([...events, { type: "containerd.stop" }, { type: "containerd.start" }], on("shared"));
    expect(restarted.world.disk).toMatchObject({ free: { root: 10 }, collectable: 0 });
  });
});

describe("recover()'s parallel loads on the shared layout", () => {
  const exitWhileDown = (start: Event): Event[] => [
    ...running,
    { type: "cri.createContainer", id: "B", sandbox: "sb", name: "b", attempt: 0 },
    { type: "cri.startContainer", id: "B" },
    { type: "disk.fill" },
    { type: "containerd.stop" },
    { type: "process.exit", id: "A", code: 3 },
    start,
  ];
  const visible = (start: Event) =>
    replay(exitWhileDown(start), on("shared"))
      .observation.containers.filter((c) => c.visible)
      .map((c) => c.id);

  it("one load at a time: A's task delete frees a block, A's status takes it, A's rename frees one that B's takes", () => {
    expect(visible({ type: "containerd.start" })).toEqual(["A", "B"]);
  });

  it("B's load first, one at a time: B finds the disk full and is skipped, A loads with the block its task delete freed", () => {
    expect(visible({ type: "containerd.start", order: ["B", "A"] })).toEqual(["A"]);
  });

  it("B and A together, B's temp file first: B takes the block A's task delete freed, A is skipped with its exit code gone", () => {
    expect(visible({ type: "containerd.start", order: ["B", "A"], parallel: 2 })).toEqual(["B"]);
  });

  it("A and B together, A's temp file first: A takes its own freed block, B finds none (A's rename comes after B's write)", () => {
    expect(visible({ type: "containerd.start", parallel: 2 })).toEqual(["A"]);
  });
});

describe("preallocated-status: the status file takes its blocks at create, and no status write after it needs one", () => {
  const prealloc = (layout: DiskLayout) => on(layout, "preallocated-status/99748");

  it("an exit on a full disk is stored in place on either layout, and so is every status at the next recovery", () => {
    for (const layout of ["split", "shared"] as const) {
      const r = replay([...exitOnFullDisk, { type: "containerd.stop" }, { type: "containerd.start" }], prealloc(layout));
      expect(r.observation.containers[0], layout).toMatchObject({ visible: true, state: "CONTAINER_EXITED", exitCode: 2 });
    }
  });

  it("with the CRI plugin's filesystem full on the split layout, a start's StartedAt write and the exit's still go in: EXITED 5", () => {
    const events: Event[] = [...createdThenCriFull, { type: "process.exit", id: "A", code: 5 }];
    expect(container(events, prealloc("split"), "A")).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 5 });
  });

  it("the file is made with the root dir, before the record: a create that cannot preallocate fails, its dir freed again", () => {
    const events: Event[] = [
      { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
      { type: "disk.room", writes: 1 },
      { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
    ];
    const r = replay(events, prealloc("split"));
    expect(r.observation.calls[1]).toMatchObject({ ok: false });
    expect(r.observation.calls[1]?.error).toMatch(/^failed to create container root directory .*failed to preallocate status file/);
    expect(r.world.metadata.containers).toEqual({});
  });

  it("2 KiB: two blocks of 1 KiB, freed with the root dir by RemoveContainer; one block of 4 KiB", () => {
    const events: Event[] = [...running, { type: "cri.stopContainer", id: "A" }, { type: "disk.fill" }, { type: "cri.removeContainer", id: "A" }];
    // Freed: A's root dir (1) and status file (2), on the one filesystem (its snapshot at the next collection).
    expect(replay(events, prealloc("shared")).world.disk.free.root).toBe(3);
    expect(statusFileBlocks("preallocated-file", 1024)).toBe(2);
    expect(statusFileBlocks("preallocated-file", 4096)).toBe(1);
    expect(statusFileBlocks("checkpoint-file", 4096)).toBe(1);
  });
});

describe("exit-in-record: an exit whose checkpoint write fails is copied into the metadata record", () => {
  const exitOnFullCri: Event[] = [...running, { type: "disk.fill", fs: "cri" }, { type: "process.exit", id: "A", code: 2 }, { type: "containerd.stop" }, { type: "containerd.start" }];

  it("split, only the CRI plugin's filesystem full: the copy's commit fits on the root one, and the next recovery reads EXITED 2 from the record", () => {
    const r = replay(exitOnFullCri, on("split", "exit-in-record/99748"));
    expect(r.observation.containers[0]).toMatchObject({ visible: true, state: "CONTAINER_EXITED", exitCode: 2 });
    expect(r.world.metadata.containers.A?.status?.exitCode).toBe(2);
  });

  it("split, disk.fill: the copy's commit needs more than the block the task delete frees (as on its daemon), so the exit stays in memory only", () => {
    const r = replay([...exitOnFullDisk, { type: "containerd.stop" }, { type: "containerd.start" }], on("split", "exit-in-record/99748"));
    expect(r.world.metadata.containers.A?.status).toBeUndefined();
    expect(r.observation.containers[0]).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 255 });
  });
});

describe("what each call takes, as the packaged daemon's calls took on a fresh 1 KiB root (find -printf %b and statfs after every call)", () => {
  const calls: Event[] = [
    { type: "disk.room", writes: 1000 },
    { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
    { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
    { type: "cri.createContainer", id: "B", sandbox: "sb", name: "b", attempt: 0 },
    { type: "cri.startContainer", id: "A" },
  ];
  /** Blocks each call after the disk.room took on the one filesystem. */
  const taken = (events: readonly Event[], config: Config) =>
    events.slice(1).map((_, i) => {
      const before = replay(events.slice(0, i + 1), config).world.disk.free.root!;
      return before - replay(events.slice(0, i + 2), config).world.disk.free.root!;
    });

  it("shared: a fresh root's first sandbox 20 (its parent dirs, 2 bolt pages), first create 23, the next 22, a start 1", () => {
    // Measured: 19 or 20, then 23 or 27 (a page moves between the two), 22, 1.
    expect(taken(calls, on("shared"))).toEqual([20, 23, 22, 1]);
  });

  it("shared, freelist reuse: the creates' commits take no page once meta.db has records; the first sandbox's still grow it", () => {
    const reuse: Event[] = [{ type: "disk.room", writes: 1000, freelist: "reuse" }, ...calls.slice(1)];
    expect(taken(reuse, on("shared"))).toEqual([20, 7, 6, 1]);
  });

  it("4 KiB blocks: a bolt page is one block", () => {
    expect(taken(calls, { ...on("shared"), disk: { layout: "shared", blockBytes: 4096 } })).toEqual([14, 11, 10, 1]);
  });
});
