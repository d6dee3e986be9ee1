// The recovery table of reference section 3, cell by cell (restart.go:loadContainer).
import { describe, expect, it } from "vitest";
import { loadContainerStatus, type RecoveryTask } from "./load-container.ts";
import { stateOf, type Status } from "../status.ts";

const NOW = 1000;
const checkpoints: Record<string, Status | null> = {
  missing: null,
  CREATED: { createdAt: 10, startedAt: 0, finishedAt: 0, exitCode: 0, reason: "" },
  RUNNING: { createdAt: 10, startedAt: 20, finishedAt: 0, exitCode: 0, reason: "" },
  EXITED: { createdAt: 10, startedAt: 20, finishedAt: 30, exitCode: 3, reason: "" },
};
const tasks: Record<string, RecoveryTask> = {
  notFound: { kind: "notFound" },
  created: { kind: "created" },
  running: { kind: "running" },
  runningWaitNotFound: { kind: "runningWaitNotFound" },
  stopped: { kind: "stopped", exitCode: 7, exitedAt: 40 },
  error: { kind: "error" },
};

// [checkpoint, task, state, exit code (EXITED only), task deleted, exit monitor]
type Row = [string, string, string, number | null, boolean, boolean];
const table: Row[] = [
  ["missing", "notFound", "CONTAINER_UNKNOWN", null, false, false],
  ["missing", "created", "CONTAINER_UNKNOWN", null, true, false],
  ["missing", "running", "CONTAINER_UNKNOWN", null, false, true],
  ["missing", "runningWaitNotFound", "CONTAINER_UNKNOWN", null, false, false],
  ["missing", "stopped", "CONTAINER_UNKNOWN", null, true, false],
  ["missing", "error", "CONTAINER_UNKNOWN", null, false, false],
  ["CREATED", "notFound", "CONTAINER_CREATED", null, false, false],
  ["CREATED", "created", "CONTAINER_CREATED", null, true, false],
  ["CREATED", "running", "CONTAINER_RUNNING", null, false, true],
  ["CREATED", "runningWaitNotFound", "CONTAINER_EXITED", 255, false, false],
  ["CREATED", "stopped", "CONTAINER_EXITED", 7, true, false],
  ["CREATED", "error", "CONTAINER_UNKNOWN", null, false, false],
  ["RUNNING", "notFound", "CONTAINER_EXITED", 255, false, false],
  ["RUNNING", "created", "CONTAINER_UNKNOWN", null, true, false],
  ["RUNNING", "running", "CONTAINER_RUNNING", null, false, true],
  ["RUNNING", "runningWaitNotFound", "CONTAINER_EXITED", 255, false, false],
  ["RUNNING", "stopped", "CONTAINER_EXITED", 7, true, false],
  ["RUNNING", "error", "CONTAINER_UNKNOWN", null, false, false],
  ["EXITED", "notFound", "CONTAINER_EXITED", 3, false, false],
  ["EXITED", "created", "CONTAINER_UNKNOWN", null, true, false],
  ["EXITED", "running", "CONTAINER_UNKNOWN", null, false, false],
  ["EXITED", "stopped", "CONTAINER_EXITED", 7, true, false],
  ["EXITED", "error", "CONTAINER_UNKNOWN", null, false, false],
];

describe("loadContainerStatus: recovered state = f(checkpoint, task)", () => {
  it.each(table)("checkpoint %s, task %s -> %s", (checkpoint, task, state, exitCode, deleted, monitor) => {
    const r = loadContainerStatus(checkpoints[checkpoint]!, tasks[task]!, NOW, true);
    expect(stateOf(r.status, r.unknown)).toBe(state);
    if (state === "CONTAINER_EXITED") expect(r.status.exitCode).toBe(exitCode);
    expect(r.deleteTask).toBe(deleted);
    expect(r.exitMonitor).toBe(monitor);
  });

  it("an exit that happened while containerd was down keeps its real code and time", () => {
    const r = loadContainerStatus(checkpoints.RUNNING!, tasks.stopped!, NOW, true);
    expect(r.status).toMatchObject({ finishedAt: 40, exitCode: 7, startedAt: 20 });
  });

  it("a RUNNING checkpoint whose task is gone becomes EXITED 255 Unknown, finished now", () => {
    const r = loadContainerStatus(checkpoints.RUNNING!, tasks.notFound!, NOW, true);
    expect(r.status).toMatchObject({ finishedAt: NOW, exitCode: 255, reason: "Unknown" });
  });

  it("a CREATED checkpoint with a running task (restart during StartContainer) is RUNNING from now", () => {
    const r = loadContainerStatus(checkpoints.CREATED!, tasks.running!, NOW, true);
    expect(r.status.startedAt).toBe(NOW);
  });

  it("a CREATED checkpoint with a Created task (restart during StartContainer, before task.Start) stays CREATED, its IO closed with the deleted task; only then", () => {
    const r = loadContainerStatus(checkpoints.CREATED!, tasks.created!, NOW, true);
    expect(stateOf(r.status, r.unknown)).toBe("CONTAINER_CREATED");
    expect(r.ioClosed).toBe(true);
    for (const task of ["notFound", "running", "stopped"]) expect(loadContainerStatus(checkpoints.CREATED!, tasks[task]!, NOW, true).ioClosed, task).toBe(false);
  });

  it("a CREATED container whose sandbox is gone cannot get its IO and is UNKNOWN", () => {
    const r = loadContainerStatus(checkpoints.CREATED!, tasks.notFound!, NOW, false);
    expect(stateOf(r.status, r.unknown)).toBe("CONTAINER_UNKNOWN");
  });

  it("recoverExitFromStoppedTask if-not-finished: an EXITED checkpoint keeps its code and time over a stopped task's, the task is still deleted", () => {
    const kept = loadContainerStatus(checkpoints.EXITED!, tasks.stopped!, NOW, true, "if-not-finished");
    expect(kept.status).toMatchObject({ finishedAt: 30, exitCode: 3 });
    expect(kept.deleteTask).toBe(true);
    // Not finished yet: the task's exit, as upstream.
    expect(loadContainerStatus(checkpoints.RUNNING!, tasks.stopped!, NOW, true, "if-not-finished").status).toMatchObject({ finishedAt: 40, exitCode: 7 });
  });

  it("never changes the checkpoint it was given", () => {
    const before = structuredClone(checkpoints.RUNNING);
    loadContainerStatus(checkpoints.RUNNING!, tasks.notFound!, NOW, true);
    expect(checkpoints.RUNNING).toEqual(before);
  });
});
