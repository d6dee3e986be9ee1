// The containerd releases' three differences, each on a trace: what 1.6.20 and 1.7.24 did on
// the real daemons (conformance/recorded/baseline/ and .../containerd-1.7/), and what the
// 1.7 model does to a fix that keeps a stopped task.
import { describe, expect, it } from "vitest";
import type { Trace } from "../model/trace.ts";
import { configOrThrow, onDisk, onRelease } from "../model/config.ts";
import { containerd16, containerd17, defaultRelease, releaseOf, type ContainerdRelease } from "../model/releases.ts";
import type { Event } from "../model/events.ts";
import { replay } from "./replay.ts";
import { loadTrace } from "./trace-files.ts";

const load = (name: string): Trace => loadTrace(new URL(`../traces/${name}.json`, import.meta.url).pathname);

function observe(trace: Trace, release: ContainerdRelease, events: readonly Event[] = trace.events) {
  const config = onRelease(onDisk(configOrThrow(trace.config ?? "baseline/99748"), trace.disk ?? "split"), release);
  return replay(events, config).observation;
}

const container = (o: ReturnType<typeof observe>, id: string) => o.containers.find((c) => c.id === id);

describe("containerd releases", () => {
  it("default to 1.6, and a trace or config without one means it", () => {
    expect(defaultRelease).toBe(containerd16);
    expect(releaseOf(undefined)).toBe(containerd16);
    expect(releaseOf("1.7")).toBe(containerd17);
    expect(configOrThrow("baseline/99748").release).toBe(containerd16);
  });

  it("(a) an exit while containerd is down: 1.6 recovers the code from the stopped task, 1.7 deleted the task as a leaked shim first (255)", () => {
    const trace = load("exit-while-down");
    expect(container(observe(trace, containerd16), "A")).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 3 });
    expect(container(observe(trace, containerd17), "A")).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 255 });
  });

  it("(a) a hidden container's exit found at the next restart: 6 on 1.6, 255 on 1.7", () => {
    const trace = load("hidden-exit-found-at-restart");
    expect(container(observe(trace, containerd16), "B")?.exitCode).toBe(6);
    expect(container(observe(trace, containerd17), "B")?.exitCode).toBe(255);
  });

  it.each([
    ["keep-task-exit-lost-on-1.7", "p:c#2"],
    ["keep-task-cri-exit-lost-on-1.7", "A"],
  ])("(a) keep-task-until-stored's kept stopped task survives a restart on 1.6 only: %s is 3, then 255 Unknown on 1.7, with no property violated", (name, id) => {
    const trace = load(name);
    expect(trace.containerd).toBe("1.7");
    const on16 = observe(trace, containerd16);
    const on17 = observe(trace, containerd17);
    expect(container(on16, id)).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 3 });
    expect(container(on17, id)).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 255 });
    expect([on16.violations, on17.violations]).toEqual([[], []]);
  });

  it("(a) a start containerd died inside after task.Start, its process exited while containerd was down: EXITED 0 on 1.6, CREATED after RUNNING on 1.7, whatever keeps the task", () => {
    const trace = load("crashed-start-exit-while-down-1.7");
    expect(trace.containerd).toBe("1.7");
    for (const variant of ["long-term", "keep-task-until-stored", "keep-task-release-name"]) {
      const withVariant = { ...trace, config: `${variant}/99748` };
      expect(container(observe(withVariant, containerd16), "p:c#2"), variant).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 0 });
      const on17 = observe(withVariant, containerd17);
      expect(container(on17, "p:c#2"), variant).toMatchObject({ state: "CONTAINER_CREATED" });
      expect(on17.violations.map((v) => v.property), variant).toEqual(["no-state-regression"]);
    }
  });

  it("(b) StopContainer of an id the CRI store does not know: NotFound on 1.6, success on 1.7", () => {
    const trace = load("stop-remove-invisible");
    // conformance's calls[7]: the call of event 7.
    const stop = (o: ReturnType<typeof observe>) => o.calls.find((c) => c.event === 7);
    expect(stop(observe(trace, containerd16))).toMatchObject({ type: "cri.stopContainer", ok: false });
    expect(stop(observe(trace, containerd17))).toMatchObject({ type: "cri.stopContainer", ok: true, error: null });
  });

  it("(c) a restart without `parallel` loads one at a time on 1.6 and every container at once on 1.7", () => {
    const trace = load("shared-7247-parallel-loads");
    const unnamed = trace.events.map((e): Event => (e.type === "containerd.start" ? { type: "containerd.start" } : e));
    const allAtOnce = trace.events.map((e): Event => (e.type === "containerd.start" ? { type: "containerd.start", parallel: 64 } : e));
    const oneAtATime = trace.events.map((e): Event => (e.type === "containerd.start" ? { type: "containerd.start", parallel: 1 } : e));
    expect(observe(trace, containerd17, unnamed)).toEqual(observe(trace, containerd17, allAtOnce));
    expect(observe(trace, containerd16, unnamed)).toEqual(observe(trace, containerd16, oneAtATime));
    // The trace's #7247 needs parallel loads: on 1.6's own schedule it does not happen.
    expect(observe(trace, containerd17, unnamed).containerd).toBe("failed");
    expect(observe(trace, containerd16, unnamed).containerd).not.toBe("failed");
  });
});
