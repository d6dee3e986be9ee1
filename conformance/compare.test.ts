// Pure tests of the model-vs-real comparison (no daemon, no root).
import { describe, expect, it } from "vitest";
import type { Observation, ObservedContainer } from "../model/observation.ts";
import { compareObservations, disagreements, errorKind } from "./compare.ts";

function ctr(id: string, name: string, over: Partial<ObservedContainer> = {}): ObservedContainer {
  return { id, name, attempt: 0, visible: true, state: "CONTAINER_RUNNING", exitCode: null, process: "running", ...over };
}

function obs(over: Partial<Observation> = {}): Observation {
  return {
    containerd: "up",
    error: null,
    containers: [ctr("A", "a", { state: "CONTAINER_CREATED", process: "none" }), ctr("B", "b")],
    sandboxes: [{ id: "sb", visible: true, state: "SANDBOX_READY" }],
    calls: [
      { event: 0, type: "cri.runPodSandbox", ok: true, error: null },
      { event: 1, type: "cri.createContainer", ok: true, error: null },
    ],
    violations: [],
    ...over,
  };
}

const fatal = (n: string, holder: string) =>
  `failed to recover state: failed to reserve container name "${n}_p_default_uid-p_0": name "${n}_p_default_uid-p_0" is reserved for "${holder}"`;

// Both sides after the #7247 sequence: a, b each exist twice (the original and the re-create).
const failedContainers = [
  ctr("A", "a", { visible: false, state: null, process: "none" }),
  ctr("B", "b", { visible: false, state: null }),
  ctr("A2", "a", { visible: false, state: null, process: "none" }),
  ctr("B2", "b", { visible: false, state: null }),
];

describe("compareObservations", () => {
  it("agrees on identical observations", () => {
    const r = compareObservations(obs(), obs());
    expect(disagreements(r)).toEqual([]);
    expect(r.map((x) => x.field)).toContain("containers[B].state");
    expect(r.map((x) => x.field)).toContain("sandboxes[sb].state");
    expect(r.map((x) => x.field)).toContain("calls[1].ok");
  });

  it("reports a state difference at its field path", () => {
    const real = obs({ containers: [ctr("A", "a", { state: "CONTAINER_CREATED", process: "none" }), ctr("B", "b", { state: "CONTAINER_EXITED", exitCode: 2, process: "exited" })] });
    const d = disagreements(compareObservations(obs(), real));
    expect(d.map((x) => x.field)).toEqual(["containers[B].state", "containers[B].exitCode", "containers[B].process"]);
    expect(d[0]).toMatchObject({ model: "CONTAINER_RUNNING", real: "CONTAINER_EXITED", verdict: "disagree" });
  });

  it("treats which duplicate and which holder the #7247 fatal names as nondeterministic", () => {
    const model = obs({ containerd: "failed", error: fatal("a", "A"), containers: failedContainers });
    const real = obs({ containerd: "failed", error: fatal("b", "B2"), containers: failedContainers });
    const r = compareObservations(model, real);
    expect(r.find((x) => x.field === "error")).toMatchObject({ verdict: "agree", real: "failed to recover state: failed to reserve container name" });
    expect(r.find((x) => x.field === "error.detail")?.verdict).toBe("nondeterministic");
    expect(disagreements(r)).toEqual([]);
  });

  it("rejects a #7247 fatal naming a container name that is not duplicated", () => {
    const model = obs({ containerd: "failed", error: fatal("a", "A"), containers: failedContainers });
    const real = obs({ containerd: "failed", error: fatal("zz", "B2"), containers: failedContainers });
    expect(disagreements(compareObservations(model, real)).map((x) => x.field)).toEqual(["error.detail"]);
  });

  it("disagrees on a different kind of fatal error, ignoring the gRPC code prefix", () => {
    expect(errorKind('UNKNOWN: failed to create container root directory "/x": mkdir: no space left on device')).toBe(
      "failed to create container root directory",
    );
    const model = obs({ containerd: "failed", error: fatal("a", "A") });
    const real = obs({ containerd: "failed", error: 'failed to recover state: failed to reserve sandbox name "p_default_uid-p_0": name "p_default_uid-p_0" is reserved for "sb"' });
    const d = disagreements(compareObservations(model, real));
    expect(d.map((x) => x.field)).toEqual(["error"]);
  });

  it("disagrees when only one side failed", () => {
    const d = disagreements(compareObservations(obs(), obs({ containerd: "failed", error: fatal("a", "A") })));
    expect(d.map((x) => x.field)).toEqual(["containerd", "error"]);
  });

  it("flags containers, sandboxes and calls present on one side only", () => {
    const real = obs({
      containers: [ctr("A", "a", { state: "CONTAINER_CREATED", process: "none" })],
      sandboxes: [],
      calls: [{ event: 0, type: "cri.runPodSandbox", ok: true, error: null }, { event: 1, type: "cri.createContainer", ok: false, error: "UNKNOWN: x" }],
    });
    const d = disagreements(compareObservations(obs(), real));
    expect(d.map((x) => x.field)).toEqual(["containers[B]", "sandboxes[sb]", "calls[1].ok"]);
    expect(d[0]).toMatchObject({ model: "listed", real: "absent" });
  });

  it("compares call outcomes, not error texts", () => {
    const model = obs({ calls: [{ event: 0, type: "cri.runPodSandbox", ok: false, error: "model text" }] });
    const real = obs({ calls: [{ event: 0, type: "cri.runPodSandbox", ok: false, error: "UNKNOWN: real text" }] });
    expect(disagreements(compareObservations(model, real))).toEqual([]);
  });
});
