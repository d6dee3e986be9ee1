// A lowered trace (restart-sim lower) is what the daemon sees of the original: replayed on the
// model under the same configuration it ends in the same containerd, containers and
// sandboxes, and every CRI call, the trace's own and the kubelet's, returns what it returned.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { allConfigs, configOrThrow, onDisk, type Config } from "../model/config.ts";
import { eventCatalogue } from "../model/events.ts";
import { parseTrace, type Trace } from "../model/trace.ts";
import type { ObservedCall } from "../model/observation.ts";
import { kubeletEventTypes, lowerTrace } from "./lower.ts";
import { replay } from "./replay.ts";
import { loadTrace, traceFiles } from "./trace-files.ts";
import { scenarioArbitrary } from "./generators.ts";
import { runScenario } from "./run-scenario.ts";

/** Asserts that the lowered trace is valid, kubelet-free, and observed as the original is. */
function expectFaithful(trace: Trace, config: Config): void {
  const { trace: lowered, origins } = lowerTrace(trace, config, "a test");
  const parsed = parseTrace(JSON.stringify(lowered));
  if (!parsed.ok) throw new Error(parsed.error);
  expect(parsed.trace).toEqual(lowered);
  expect(lowered.config).toBe(config.name);
  expect(lowered.disk ?? "split").toBe(config.disk.layout);
  expect(lowered.events.filter((e) => kubeletEventTypes.has(e.type))).toEqual([]);
  expect(origins).toHaveLength(lowered.events.length);
  // Every event that is not the kubelet's stays, in order.
  expect(lowered.events.filter((_, i) => !origins[i]!.kubeletCall)).toEqual(trace.events.filter((e) => !kubeletEventTypes.has(e.type)));

  const before = replay(trace.events, config, { log: false }).observation;
  const after = replay(lowered.events, config, { log: false }).observation;
  expect({ containerd: after.containerd, error: after.error, containers: after.containers, sandboxes: after.sandboxes }).toEqual({
    containerd: before.containerd,
    error: before.error,
    containers: before.containers,
    sandboxes: before.sandboxes,
  });
  // The trace's own calls, at their original indices, return what they returned; the
  // kubelet's return what they returned to the kubelet.
  const own: ObservedCall[] = [];
  for (const call of after.calls) {
    const origin = origins[call.event]!;
    if (origin.kubeletCall) expect({ ok: call.ok, error: call.error }, `kubelet call at lowered event ${call.event}`).toEqual(origin.kubeletCall);
    else own.push({ ...call, event: origin.event });
  }
  expect(own).toEqual(before.calls);
  expect(after.calls.length - own.length).toBe(origins.filter((o) => o.kubeletCall).length);
}

const traces = traceFiles(new URL("../traces", import.meta.url).pathname).map(loadTrace);
const withKubelet = traces.filter((t) => t.events.some((e) => kubeletEventTypes.has(e.type)));

describe("lowering the known traces", () => {
  it("has traces with kubelet events to lower", () => {
    expect(withKubelet.length).toBeGreaterThanOrEqual(5);
  });
  it.each(withKubelet.map((t) => [t.name, t] as const))("%s: the lowered trace is observed as the original under its config, on either disk layout", (_name, trace) => {
    const config = configOrThrow(trace.config ?? "baseline/99748");
    expectFaithful(trace, onDisk(config, trace.disk ?? "split"));
    expectFaithful(trace, onDisk(config, "shared"));
  });
  it("makes issue-7247 (baseline/pre-99748) CRI-only: the kubelet's calls, in order, the faults in place", () => {
    const trace = traces.find((t) => t.name === "issue-7247")!;
    const { trace: lowered } = lowerTrace(trace, configOrThrow("baseline/pre-99748"), "traces/issue-7247.json");
    expect(lowered.name).toBe("issue-7247-lowered");
    expect(lowered.description).toMatch(/^Lowered from traces\/issue-7247\.json \(trace "issue-7247"\) under baseline\/pre-99748: /);
    for (const e of lowered.events) expect(eventCatalogue[e.type].daemon, e.type).toHaveProperty("runs");
    expect(lowered.events).toEqual([
      // First sync: sandbox, create and start c.
      { type: "cri.runPodSandbox", pod: "p", id: "p#1", attempt: 0 },
      { type: "cri.createContainer", id: "p:c#2", sandbox: "p#1", name: "c", attempt: 0 },
      { type: "cri.startContainer", id: "p:c#2" },
      { type: "disk.fill" },
      { type: "containerd.stop" },
      { type: "containerd.start" },
      { type: "disk.free" },
      // Second sync: c is not visible, so pre-99748 creates it again at attempt 0 in the same sandbox.
      { type: "cri.createContainer", id: "p:c#3", sandbox: "p#1", name: "c", attempt: 0 },
      { type: "cri.startContainer", id: "p:c#3" },
      { type: "containerd.stop" },
      { type: "containerd.start" },
    ]);
    expect(replay(lowered.events, configOrThrow(lowered.config!), { log: false }).observation.error).toMatch(/failed to reserve container name/);
  });
  it("keeps a create that waits on a hung storage where the kubelet made it, and the start of its late return after storage.resume", () => {
    // c crashed; its new create waits on the hung storage; the storage answers before the
    // kubelet's deadline, so the pod worker takes the late result and starts the container.
    const trace: Trace = {
      name: "late-create",
      description: "",
      events: [
        { type: "pod.add", pod: "p", containers: ["c"] },
        { type: "kubelet.sync", pod: "p" },
        { type: "process.exit", id: "p:c#2", code: 1 },
        { type: "storage.hang" },
        { type: "kubelet.sync", pod: "p" },
        { type: "storage.resume" },
        { type: "kubelet.sync", pod: "p" },
      ],
    };
    const config = configOrThrow("baseline/99748");
    const { trace: lowered, origins } = lowerTrace(trace, config, "a test");
    expect(lowered.events.slice(3)).toEqual([
      { type: "process.exit", id: "p:c#2", code: 1 },
      { type: "storage.hang" },
      { type: "cri.createContainer", id: "p:c#3", sandbox: "p#1", name: "c", attempt: 1 },
      { type: "storage.resume" },
      { type: "cri.startContainer", id: "p:c#3" },
    ]);
    expect(origins.slice(3)).toEqual([
      { event: 2 },
      { event: 3 },
      // The create returned at storage.resume, before its deadline: the kubelet got ok (callers.ts).
      { event: 4, kubeletCall: { ok: true, error: null } },
      { event: 5 },
      { event: 5, kubeletCall: { ok: true, error: null } },
    ]);
    expectFaithful(trace, config);
  });
  it.each(["baseline/99748", "release-name-on-cancel/99748", "join-in-flight-create/bump-on-deadline"])(
    "keeps what a create past the kubelet's deadline leaves behind, and the kubelet's retries, on %s",
    (name) => {
      const events: Trace["events"] = [
        { type: "pod.add", pod: "p", containers: ["c"] },
        { type: "kubelet.sync", pod: "p" },
        { type: "process.exit", id: "p:c#2", code: 1 },
        { type: "storage.hang" },
        { type: "kubelet.sync", pod: "p" },
        { type: "clock.tick", seconds: 130 },
        { type: "kubelet.sync", pod: "p" },
        { type: "storage.resume" },
        { type: "kubelet.sync", pod: "p" },
        { type: "kubelet.gc" },
        { type: "containerd.stop" },
        { type: "containerd.start" },
        { type: "kubelet.sync", pod: "p" },
      ];
      expectFaithful({ name: "past-deadline", description: "", events }, configOrThrow(name));
    },
  );
});

describe("lowering random scenarios", () => {
  const configs = allConfigs();
  const scenarios = fc.sample(scenarioArbitrary, { seed: 7247, numRuns: 120 });
  it(`keeps ${scenarios.length} scenarios' observations, on every configuration and disk layout in turn`, () => {
    for (const [i, scenario] of scenarios.entries()) {
      const config = onDisk(configs[i % configs.length]!, Math.floor(i / configs.length) % 2 === 0 ? "split" : "shared");
      const { events } = runScenario(scenario, config);
      expectFaithful({ name: `scenario-${i}`, description: "", events }, config);
    }
  });
});
