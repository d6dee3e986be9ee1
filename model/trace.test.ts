// The trace loader: every malformed input gets one clear line naming the event and field,
// never an exception; fuzzed with random JSON and with mutations of valid traces.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTrace } from "./trace.ts";
import { configOrThrow } from "./config.ts";
import { replay } from "../properties/replay.ts";

/** The #11504 test plan, the valid trace the mutations start from. */
const valid = {
  name: "t",
  description: "d",
  events: [
    { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
    { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
    { type: "cri.createContainer", id: "B", sandbox: "sb", name: "b", attempt: 0 },
    { type: "cri.startContainer", id: "B" },
    { type: "process.exit", id: "B", code: 0 },
    { type: "containerd.stop" },
    { type: "disk.fill" },
    { type: "containerd.start" },
  ] as unknown[],
};
const withEvents = (events: unknown[]) => JSON.stringify({ name: "t", description: "d", events });

function expectOneLineError(text: string): string {
  const r = parseTrace(text);
  expect(r.ok).toBe(false);
  if (r.ok) return "";
  expect(r.error).not.toContain("\n");
  return r.error;
}

describe("parseTrace errors", () => {
  it("names malformed JSON", () => {
    expect(expectOneLineError("{")).toMatch(/^not JSON: /);
  });
  it("names a missing top-level field", () => {
    expect(expectOneLineError(JSON.stringify({ name: "t", events: [] }))).toBe('trace: field "description": Invalid input: expected string, received undefined');
  });
  it("names an unknown event type with its index", () => {
    expect(expectOneLineError(withEvents([{ type: "containerd.start" }, { type: "disk.explode" }]))).toBe(
      'event 1 (disk.explode): unknown event type "disk.explode"',
    );
  });
  it("names a missing field", () => {
    expect(expectOneLineError(withEvents([{ type: "kubelet.sync" }]))).toBe(
      'event 0 (kubelet.sync): field "pod": Invalid input: expected string, received undefined',
    );
  });
  it("names a wrong-typed field", () => {
    expect(expectOneLineError(withEvents([{ type: "process.exit", id: "x", code: "1" }]))).toMatch(/^event 0 \(process.exit\): field "code": /);
  });
  it("names an unknown field", () => {
    expect(expectOneLineError(withEvents([{ type: "disk.fill", size: 1 }]))).toBe('event 0 (disk.fill): unknown field "size"');
  });
  it("names an id that was never created", () => {
    expect(expectOneLineError(withEvents([{ type: "cri.startContainer", id: "ghost" }]))).toBe(
      'event 0 (cri.startContainer): field "id": id "ghost" was never created by an earlier event',
    );
  });
  it("names an id created twice", () => {
    const sandbox = { type: "cri.runPodSandbox", pod: "p", id: "s", attempt: 0 };
    expect(expectOneLineError(withEvents([sandbox, sandbox]))).toMatch(/^event 1 \(cri.runPodSandbox\): field "id": id "s" is already used/);
  });
  it("accepts the kubelet's own ids once a pod was added and synced", () => {
    const events = [{ type: "pod.add", pod: "p", containers: ["c"] }, { type: "kubelet.sync", pod: "p" }, { type: "process.exit", id: "p:c#2", code: 1 }];
    expect(parseTrace(withEvents(events)).ok).toBe(true);
    expect(expectOneLineError(withEvents([events[0], events[2]]))).toMatch(/never created/);
  });
});

/** Mutations a careless hand or a broken generator makes to a valid trace. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("drop" as const), index: fc.nat(), field: fc.string() }),
  fc.record({ kind: fc.constant("set" as const), index: fc.nat(), field: fc.constantFrom("type", "id", "pod", "attempt", "code", "order", "x"), value: fc.jsonValue() }),
  fc.record({ kind: fc.constant("insert" as const), index: fc.nat(), value: fc.jsonValue() }),
  fc.record({ kind: fc.constant("remove" as const), index: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(trace: { events: unknown[] }, m: Mutation): { events: unknown[] } {
  const copy = structuredClone(trace);
  const i = m.index % Math.max(1, copy.events.length);
  const target = copy.events[i];
  const fields = typeof target === "object" && target !== null && !Array.isArray(target) ? (target as Record<string, unknown>) : null;
  if (m.kind === "drop" && fields) delete fields[Object.keys(fields)[m.field.length % Object.keys(fields).length]!];
  if (m.kind === "set" && fields) fields[m.field] = m.value;
  if (m.kind === "insert") copy.events.splice(i, 0, m.value);
  if (m.kind === "remove") copy.events.splice(i, 1);
  return copy;
}

describe("parseTrace fuzz", () => {
  it("never throws on random JSON, and every error is one line", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = parseTrace(JSON.stringify(value));
        return r.ok || !r.error.includes("\n");
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on mutated valid traces; what it accepts replays without throwing", () => {
    const config = configOrThrow("baseline/99748");
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let trace: { events: unknown[] } = valid;
        for (const m of mutations) trace = mutate(trace, m);
        const r = parseTrace(JSON.stringify(trace));
        if (!r.ok) return !r.error.includes("\n");
        replay(r.trace.events, config);
        return true;
      }),
      { numRuns: 1000 },
    );
  });
});
