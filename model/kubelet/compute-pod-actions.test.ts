// computePodActions and ShouldContainerBeRestarted as the kubelet decides them
// (kuberuntime_manager.go, pkg/kubelet/container/helpers.go), on hand-made pod statuses.
import { describe, expect, it } from "vitest";
import type { Pod } from "../world.ts";
import type { ContainerView, SandboxView } from "../cri/list.ts";
import type { CriContainerState } from "../observation.ts";
import { computePodActions, shouldContainerBeRestarted } from "./compute-pod-actions.ts";

const pod = (restartPolicy: Pod["restartPolicy"] = "Always", containers = ["c"]): Pod => ({ name: "p", containers, restartPolicy, deleted: false });
const sandbox = (id: string, attempt: number, state: SandboxView["state"] = "SANDBOX_READY"): SandboxView => ({ id, pod: "p", attempt, state, createdAt: attempt + 1 });
const container = (id: string, attempt: number, state: CriContainerState, exitCode = 0): ContainerView => ({
  id,
  sandboxId: "s0",
  pod: "p",
  name: "c",
  attempt,
  state,
  exitCode,
  reason: "",
  createdAt: 10 + attempt,
});

describe("ShouldContainerBeRestarted", () => {
  it.each<[string, Pod["restartPolicy"], CriContainerState | null, number, boolean]>([
    ["no status at all: start, even for Never", "Never", null, 0, true],
    ["running: keep", "Always", "CONTAINER_RUNNING", 0, false],
    ["CREATED: always again", "Never", "CONTAINER_CREATED", 0, true],
    ["UNKNOWN: always again", "Never", "CONTAINER_UNKNOWN", 0, true],
    ["exited, Always", "Always", "CONTAINER_EXITED", 0, true],
    ["exited 0, OnFailure", "OnFailure", "CONTAINER_EXITED", 0, false],
    ["exited 1, OnFailure", "OnFailure", "CONTAINER_EXITED", 1, true],
    ["exited, Never", "Never", "CONTAINER_EXITED", 1, false],
  ])("%s", (_why, policy, state, exitCode, expected) => {
    expect(shouldContainerBeRestarted(pod(policy), state ? container("x", 0, state, exitCode) : undefined)).toBe(expected);
  });

  it("never restarts in a deleted pod", () => {
    expect(shouldContainerBeRestarted({ ...pod(), deleted: true }, undefined)).toBe(false);
  });
});

describe("computePodActions", () => {
  it("creates sandbox attempt 0 and starts every container when no sandbox is visible", () => {
    expect(computePodActions(pod("Always", ["c", "d"]), { sandboxes: [], containers: [] })).toEqual({
      killPod: true,
      createSandbox: 0,
      sandboxId: null,
      containersToKill: [],
      containersToStart: ["c", "d"],
    });
  });

  it("creates the next sandbox attempt when the newest is not READY", () => {
    const actions = computePodActions(pod(), { sandboxes: [sandbox("s1", 1, "SANDBOX_NOTREADY"), sandbox("s0", 0)], containers: [] });
    expect(actions.createSandbox).toBe(2);
    expect(actions.killPod).toBe(true);
  });

  it("takes the newest sandbox's attempt + 1, not the highest (PodSandboxChanged)", () => {
    const late = { ...sandbox("late", 0, "SANDBOX_NOTREADY"), createdAt: 9 };
    const actions = computePodActions(pod(), { sandboxes: [late, sandbox("s3", 3, "SANDBOX_NOTREADY")], containers: [] });
    expect(actions.createSandbox).toBe(1);
  });

  it("does not make a new sandbox for an OnFailure pod whose containers all succeeded: it is only killed", () => {
    const actions = computePodActions(pod("OnFailure"), { sandboxes: [sandbox("s0", 0, "SANDBOX_NOTREADY")], containers: [container("x", 0, "CONTAINER_EXITED", 0)] });
    expect(actions).toMatchObject({ killPod: true, createSandbox: null, containersToStart: [] });
  });

  it("makes a new sandbox for an OnFailure pod with a failed container, and starts only that one", () => {
    const failed = { ...container("y", 0, "CONTAINER_EXITED", 1), name: "d" };
    const actions = computePodActions(pod("OnFailure", ["c", "d"]), {
      sandboxes: [sandbox("s0", 0, "SANDBOX_NOTREADY")],
      containers: [container("x", 0, "CONTAINER_EXITED", 0), failed],
    });
    expect(actions).toMatchObject({ killPod: true, createSandbox: 1, containersToStart: ["d"] });
  });

  it("does not make a new sandbox for a Never pod that already ran: it is only killed", () => {
    const actions = computePodActions(pod("Never"), { sandboxes: [sandbox("s0", 0, "SANDBOX_NOTREADY")], containers: [container("x", 0, "CONTAINER_EXITED")] });
    expect(actions).toMatchObject({ killPod: true, createSandbox: null, containersToStart: [] });
  });

  it("keeps a running container and ignores an older running duplicate", () => {
    const actions = computePodActions(pod(), {
      sandboxes: [sandbox("s0", 0)],
      containers: [container("new", 1, "CONTAINER_RUNNING"), container("old", 0, "CONTAINER_RUNNING")],
    });
    expect(actions).toMatchObject({ killPod: false, containersToKill: [], containersToStart: [] });
  });

  it("kills an UNKNOWN newest before starting a new attempt", () => {
    const actions = computePodActions(pod(), { sandboxes: [sandbox("s0", 0)], containers: [container("u", 0, "CONTAINER_UNKNOWN")] });
    expect(actions).toMatchObject({ containersToKill: ["u"], containersToStart: ["c"] });
  });

  it("leaves a CREATED newest alone (for GC) and starts a new attempt", () => {
    const actions = computePodActions(pod(), { sandboxes: [sandbox("s0", 0)], containers: [container("cr", 0, "CONTAINER_CREATED")] });
    expect(actions).toMatchObject({ containersToKill: [], containersToStart: ["c"], sandboxId: "s0" });
  });

  it("decides on the newest container only: an exited newest beside an older running one is started again", () => {
    const actions = computePodActions(pod(), {
      sandboxes: [sandbox("s0", 0)],
      containers: [container("new", 1, "CONTAINER_EXITED"), container("old", 0, "CONTAINER_RUNNING")],
    });
    expect(actions.containersToStart).toEqual(["c"]);
  });
});
