// The exhaustive checker: state counts that can be worked out by hand, the symmetry
// arithmetic against a run without it, shortest counterexamples, and our proposal's proof.
import { describe, expect, it } from "vitest";
import { configOrThrow, onDisk } from "../model/config.ts";
import { alphabet, allLoadsAtOnce } from "./commands.ts";
import { podSpec } from "./scenario.ts";
import { checkExhaustive, type ExhaustiveOptions, type Scope } from "./exhaustive.ts";
import { ScenarioCache, checkProperty } from "./check-property.ts";
import { replay } from "./replay.ts";

const options = (depth: number, more: Partial<ExhaustiveOptions> = {}): ExhaustiveOptions => ({ depth, maxStates: 1_000_000, symmetry: true, ...more });
const check = (config: string, scope: Scope, o: ExhaustiveOptions) => checkExhaustive(configOrThrow(config), scope, o);

describe("state counts worked out by hand", () => {
  it("with no pods the world is containerd up or down x the disk with room, full or one write left x the storage hung or not: 12 states", () => {
    const r = check("baseline/99748", { pods: 0, containers: 1 }, options(6));
    expect(r.states).toBe(12);
    expect(r.complete).toBe(true);
  });

  it("one pod, one container, one event: the start state, a sync (sandbox + c running), containerd down, disk full, one write left, storage hung, and a sync that dies at each of the checker's two crash points: 8", () => {
    expect(check("baseline/99748", { pods: 1, containers: 1 }, options(1)).states).toBe(8);
  });
});

describe("symmetry", () => {
  it("stores fewer states and says exactly how many a run without it stores", () => {
    // A configuration with no violation, so that both searches run to the same depth.
    const scope = { pods: 2, containers: 2 };
    const merged = check("keep-task-release-name/99748", scope, options(5));
    const plain = check("keep-task-release-name/99748", scope, options(5, { symmetry: false }));
    expect(merged.states).toBeLessThan(plain.states);
    expect(merged.statesWithoutSymmetry).toBe(plain.states);
  });

  it("finds the same verdict with and without it", () => {
    const scope = { pods: 2, containers: 1 };
    const merged = check("baseline/pre-99748", scope, options(9, { properties: ["recovery-succeeds"] }));
    const plain = check("baseline/pre-99748", scope, options(9, { symmetry: false, properties: ["recovery-succeeds"] }));
    expect(merged.violation?.events.length).toBe(plain.violation?.events.length);
  });
});

describe("shortest counterexamples", () => {
  // Issue 14: shorter than without crash points (9 events for pre-99748, 11 through a nearly full
  // disk for 99748): containerd dies in CreateContainer after the record, the next recovery on a
  // full disk skips the container that has no checkpoint, and with no N.log either kubelet
  // creates attempt 0 again; its record is written (the second crash) and the start is fatal.
  it("finds #7247 on baseline/pre-99748 in 7 events, through crashes inside CreateContainer, no longer than what explore shrinks to", () => {
    const r = check("baseline/pre-99748", { pods: 1, containers: 1 }, options(10, { properties: ["recovery-succeeds"] }));
    expect(r.violation?.property).toBe("recovery-succeeds");
    expect(r.violation!.events).toHaveLength(7);
    const explored = checkProperty(new ScenarioCache(configOrThrow("baseline/pre-99748")), "recovery-succeeds", { runs: 1000, seed: 1 });
    expect(explored.verdict).toBe("violated");
    if (explored.verdict === "violated") expect(r.violation!.events.length).toBeLessThanOrEqual(explored.counterexample.events.length);
    const replayed = replay(r.violation!.events, configOrThrow("baseline/pre-99748")).observation;
    expect(replayed.containerd).toBe("failed");
  });

  it("finds #7247 on baseline/99748 in the same 7 events", () => {
    const r = check("baseline/99748", { pods: 1, containers: 1 }, options(12, { properties: ["recovery-succeeds"] }));
    expect(r.violation!.events).toHaveLength(7);
    expect(r.violation!.events).toContainEqual({ type: "kubelet.sync", pod: "p", crash: { call: "createContainer", at: "record-written" } });
  });
});

describe("our proposal, keep-task-release-name", () => {
  it.each(["pre-99748", "99748"])("holds every safety property up to depth 8 with 1 pod x 2 containers (kubelet %s)", (kubelet) => {
    const r = check(`keep-task-release-name/${kubelet}`, { pods: 1, containers: 2 }, options(8));
    expect(r.violation).toBeNull();
    expect(r.complete).toBe(true);
    expect(r.states).toBeGreaterThan(1000);
  });
});

describe("the shared disk layout", () => {
  const shared = (config: string) => onDisk(configOrThrow(config), "shared");

  it("adds a restart whose loads all write their temp status file before any rename to the alphabet, and only there", () => {
    const parallelStarts = (layout: "split" | "shared") => alphabet([podSpec(0, 2)], layout).filter((c) => c.do === "containerd.start" && "parallel" in c);
    expect(parallelStarts("split")).toEqual([]);
    expect(parallelStarts("shared")).toEqual([{ do: "containerd.start", parallel: allLoadsAtOnce }]);
  });

  // Was 4 events (sync, fill, stop, start) before crash points: containerd dying inside
  // CreateContainer after the record stands for the stop, and leaves no checkpoint to load.
  it("finds the container hidden by a restart on a full disk in 3 events: nothing frees a block when containerd died inside CreateContainer", () => {
    const r = checkExhaustive(shared("baseline/99748"), { pods: 1, containers: 1 }, options(4));
    expect(r.violation?.property).toBe("no-invisible-container");
    expect(r.violation?.events.slice(1)).toEqual([
      { type: "kubelet.sync", pod: "p", crash: { call: "createContainer", at: "record-written" } },
      { type: "disk.fill" },
      { type: "containerd.start" },
    ]);
  });
});
