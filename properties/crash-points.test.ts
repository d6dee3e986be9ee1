// Failures inside a call (issue 14): containerd dying at a point of a call, hangs that belong
// to one pod or one call, late calls on a canceled context, and a shim that fails. Each test
// states what containerd 1.6.20 leaves behind, as the model's crash.ts and handlers cite it.
import { describe, expect, it } from "vitest";
import { configOrThrow } from "../model/config.ts";
import type { Event } from "../model/events.ts";
import { parseTrace } from "../model/trace.ts";
import { replay } from "./replay.ts";
import { crashCalls, crashPoints, pointsOf } from "../model/cri/crash.ts";

const baseline = configOrThrow("baseline/99748");
const run = (events: Event[], config = baseline) => replay(events, config, { log: false });
const sandbox: Event = { type: "cri.runPodSandbox", pod: "p", id: "s", attempt: 0 };
const create: Event = { type: "cri.createContainer", id: "x", sandbox: "s", name: "c", attempt: 0 };
const eof = "rpc error: code = Unavailable desc = error reading from server: EOF";

describe("the crash points", () => {
  it("each says what it leaves and how a harness could stop the real daemon there", () => {
    for (const call of crashCalls) {
      for (const at of pointsOf(call)) {
        const point = (crashPoints[call] as Record<string, { after: string; onDaemon: string }>)[at]!;
        expect(point.after, `${call} ${at}`).toMatch(/\.go:/);
        expect(point.onDaemon, `${call} ${at}`).not.toBe("");
      }
    }
  });

  it("a trace names only a point of the event's own call", () => {
    const parsed = parseTrace(JSON.stringify({ name: "t", description: "", events: [{ ...sandbox, crashAt: "status-written" }] }));
    expect(parsed.ok).toBe(false);
    const armed = parseTrace(JSON.stringify({ name: "t", description: "", events: [{ type: "containerd.crash", call: "stopContainer", at: "task-created" }] }));
    expect(armed).toEqual({ ok: false, error: 'event 0 (containerd.crash): field "at": stopContainer has no crash point "task-created"; its points: killed' });
  });
});

describe("RunPodSandbox, record first (sandbox_run.go)", () => {
  it("dies after the record: the call fails as unavailable, containerd is down, and after a start the sandbox is NOTREADY, holds its name, and can be stopped and removed", () => {
    const { observation: o } = run([
      { ...sandbox, crashAt: "record-written" },
      { type: "containerd.start" },
      { ...sandbox, id: "s2" },
      { type: "cri.stopPodSandbox", id: "s" },
      { type: "cri.removePodSandbox", id: "s" },
      { ...sandbox, id: "s3" },
    ]);
    expect(o.calls.map((c) => [c.event, c.ok, c.error])).toEqual([
      [0, false, eof],
      [2, false, 'failed to reserve sandbox name "p_default_uid-p_0": name "p_default_uid-p_0" is reserved for "s"'],
      [3, true, null],
      [4, true, null],
      [5, true, null],
    ]);
    expect(o.sandboxes.map((s) => [s.id, s.visible, s.state])).toEqual([
      ["s", false, null],
      ["s3", true, "SANDBOX_READY"],
    ]);
  });

  it("dies after the pause task started: the sandbox comes back READY", () => {
    const { observation: o } = run([{ ...sandbox, crashAt: "task-started" }, { type: "containerd.start" }]);
    expect(o.sandboxes).toEqual([{ id: "s", visible: true, state: "SANDBOX_READY" }]);
  });

  it("a point the call does not reach is disarmed with it", () => {
    const { observation: o } = run([sandbox, { ...sandbox, crashAt: "record-written" }, { ...sandbox, id: "s2", attempt: 1 }]);
    expect(o.containerd).toBe("up");
    expect(o.calls.map((c) => c.ok)).toEqual([true, false, true]);
  });
});

describe("CreateContainer and StartContainer", () => {
  it("a create that dies after its record comes back UNKNOWN (no checkpoint); after its status write, CREATED", () => {
    for (const [at, state] of [
      ["record-written", "CONTAINER_UNKNOWN"],
      ["status-written", "CONTAINER_CREATED"],
    ] as const) {
      const { observation: o } = run([sandbox, { ...create, crashAt: at }, { type: "containerd.start" }]);
      expect(o.containers.map((c) => [c.id, c.visible, c.state])).toEqual([["x", true, state]]);
    }
  });

  it("a create that dies right after reserving its name leaves nothing", () => {
    const { observation: o } = run([sandbox, { ...create, crashAt: "name-reserved" }, { type: "containerd.start" }, { ...create, id: "y" }]);
    expect(o.containers.map((c) => c.id)).toEqual(["y"]);
  });

  it("a start that dies after task.Start comes back RUNNING (the CREATED checkpoint under a running task)", () => {
    const { observation: o } = run([sandbox, create, { type: "cri.startContainer", id: "x", crashAt: "task-started" }, { type: "containerd.start" }]);
    expect(o.containers.map((c) => [c.state, c.process])).toEqual([["CONTAINER_RUNNING", "running"]]);
  });

  it("a kubelet.sync's crash kills containerd inside the kubelet's own call; a point its calls do not reach is disarmed after it", () => {
    const { observation: o } = run([
      { type: "pod.add", pod: "p", containers: ["c"] },
      { type: "kubelet.sync", pod: "p", crash: { call: "stopContainer", at: "killed" } },
      { type: "process.exit", id: "p:c#2", code: 1 },
      { type: "kubelet.sync", pod: "p", crash: { call: "createContainer", at: "record-written" } },
      { type: "containerd.start" },
    ]);
    expect(o.containers.map((c) => [c.id, c.state])).toEqual([
      ["p:c#2", "CONTAINER_EXITED"],
      ["p:c#3", "CONTAINER_UNKNOWN"],
    ]);
  });

  it("a point is the served call's own: StopPodSandbox stopping a container does not pass StopContainer's", () => {
    const { observation: o } = run([
      sandbox,
      create,
      { type: "cri.startContainer", id: "x" },
      { type: "containerd.crash", call: "stopContainer", at: "killed" },
      { type: "cri.stopPodSandbox", id: "s" },
      { type: "cri.stopContainer", id: "x" },
    ]);
    expect(o.containerd).toBe("up");
    expect(o.calls.map((c) => c.ok)).toEqual([true, true, true, true, true]);
  });

  it("containerd.crash arms the kubelet's own call: its StartContainer dies and the kubelet's next sync finds c running", () => {
    const { observation: o } = run([
      { type: "pod.add", pod: "p", containers: ["c"] },
      { type: "containerd.crash", call: "startContainer", at: "task-started" },
      { type: "kubelet.sync", pod: "p" },
      { type: "containerd.start" },
      { type: "kubelet.sync", pod: "p" },
    ]);
    expect(o.containers.map((c) => [c.id, c.state, c.process])).toEqual([["p:c#2", "CONTAINER_RUNNING", "running"]]);
  });
});

describe("hangs that belong to one pod or one call", () => {
  const pods: Event[] = [
    { type: "pod.add", pod: "p", containers: ["c"] },
    { type: "pod.add", pod: "q", containers: ["c"] },
  ];

  it("a dead hostPath of one pod holds that pod's create; the other pod's goes through", () => {
    const { observation: o } = run([...pods, { type: "storage.hang", pod: "q" }, { type: "kubelet.sync", pod: "p" }, { type: "kubelet.sync", pod: "q" }]);
    expect(o.sandboxes.map((s) => s.id)).toEqual(["p#1"]);
    expect(o.containers.map((c) => [c.id, c.state])).toEqual([["p:c#2", "CONTAINER_RUNNING"]]);
  });

  it("a call that fails on its own releases its name and the retry gets it; a hang of one call lets the next through", () => {
    const { observation: o } = run([
      ...pods,
      { type: "kubelet.sync", pod: "p" },
      { type: "process.exit", id: "p:c#2", code: 1 },
      { type: "storage.hang", calls: 1 },
      { type: "kubelet.sync", pod: "p" },
      { type: "storage.resume", call: "p:c#3", waiting: "fail" },
      { type: "kubelet.sync", pod: "p" },
    ]);
    expect(o.containers.map((c) => [c.id, c.attempt, c.state])).toEqual([
      ["p:c#2", 0, "CONTAINER_EXITED"],
      ["p:c#4", 1, "CONTAINER_RUNNING"],
    ]);
  });
});

describe("late calls on a canceled context", () => {
  it("a RunPodSandbox that returns after its deadline fails at the network step and leaves nothing; a late create commits", () => {
    const { observation: o } = run([
      { type: "storage.hang" },
      sandbox,
      { type: "clock.tick", seconds: 250 },
      { type: "storage.resume" },
      { ...sandbox, id: "s2", attempt: 1 },
      { type: "storage.hang" },
      { ...create, sandbox: "s2" },
      { type: "clock.tick", seconds: 130 },
      { type: "storage.resume" },
    ]);
    expect(o.sandboxes.map((s) => [s.id, s.visible])).toEqual([["s2", true]]);
    expect(o.containers.map((c) => [c.id, c.state])).toEqual([["x", "CONTAINER_CREATED"]]);
  });
});

describe("shim failures", () => {
  it("a failed pause start whose rollback delete fails too keeps a NOTREADY sandbox that holds its name until removed (TestRunPodSandboxWithShimDeleteFailure)", () => {
    const { observation: o } = run([
      { type: "shim.fail", op: "start" },
      { type: "shim.fail", op: "delete" },
      sandbox,
      { ...sandbox, id: "s2" },
      { type: "containerd.stop" },
      { type: "containerd.start" },
      { type: "cri.removePodSandbox", id: "s" },
      { ...sandbox, id: "s3" },
    ]);
    expect(o.calls.map((c) => c.ok)).toEqual([false, false, true, true]);
    expect(o.calls[0]!.error).toBe('failed to start sandbox container task "s": start failed in the shim: unknown');
    expect(o.sandboxes.map((s) => [s.id, s.visible, s.state])).toEqual([
      ["s", false, null],
      ["s3", true, "SANDBOX_READY"],
    ]);
  });

  it("a failed delete in StartContainer's rollback has already killed the process (WithProcessKill)", () => {
    const { observation: o } = run([sandbox, create, { type: "shim.fail", op: "start" }, { type: "shim.fail", op: "delete" }, { type: "cri.startContainer", id: "x" }]);
    expect(o.containers.map((c) => [c.state, c.exitCode, c.process])).toEqual([["CONTAINER_EXITED", 128, "none"]]);
  });
});
