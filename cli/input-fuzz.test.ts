// Input that cannot lie (issue 10): whatever file `restart-sim replay --json` is given, it
// either runs it, checking every safety property after every event, or refuses it with exit 2
// and exactly one line naming the file, the event and the field; never a stack trace. Fuzzed
// with arbitrary JSON, random events over a small pool of labels, and mutations of the traces
// under traces/, through the CLI's own entry (in process: a subprocess per case is too slow).
// FUZZ_RUNS sets the cases per property (.ci/run: 2000, 10^4 in all); the default keeps
// `npm test` quick.
import fc from "fast-check";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runProgram } from "./program.ts";
import { traceFiles } from "./load-trace.ts";
import { eventSchema } from "../model/events.ts";
import { allConfigs } from "../model/config.ts";
import type { Observation } from "../model/observation.ts";
import { safetyProperties } from "../properties/invariants.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 200);
const dir = mkdtempSync(join(tmpdir(), "restart-sim-fuzz-"));
const file = join(dir, "trace.json");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  code: number;
  stdout: string[];
  stderr: string[];
}

// What the CLI prints goes to the outcome of the case that runs (one at a time).
let printed: Outcome = { code: -1, stdout: [], stderr: [] };
beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.stdout.push(args.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void printed.stderr.push(args.join(" ")));
});
afterAll(() => vi.restoreAllMocks());

/** `restart-sim replay FILE --json` on this text, with what it printed. */
async function replayCli(text: string): Promise<Outcome> {
  writeFileSync(file, text);
  const outcome: Outcome = (printed = { code: -1, stdout: [], stderr: [] });
  try {
    outcome.code = await runProgram(["node", "restart-sim", "replay", file, "--json"]);
  } finally {
    process.exitCode = undefined;
  }
  return outcome;
}

const refusal = new RegExp(`^restart-sim: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\S[^\n]*$`);

/** Runs or is refused as the CLI promises; what runs gives a well-formed observation. */
async function runsOrIsRefused(text: string): Promise<"ran" | "refused"> {
  const { code, stdout, stderr } = await replayCli(text);
  if (code === 2) {
    expect(stdout).toEqual([]);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(refusal);
    return "refused";
  }
  expect(stderr).toEqual([]);
  const events = (JSON.parse(text) as { events: { type: string }[] }).events;
  const o = JSON.parse(stdout.join("\n")) as Observation;
  expect(["up", "down", "failed"]).toContain(o.containerd);
  expect(code).toBe(o.violations.length > 0 ? 1 : 0);
  for (const v of o.violations) {
    expect(safetyProperties).toContain(v.property);
    expect(events[v.event]).toBeDefined();
    expect(v.message).not.toBe("");
  }
  for (const call of o.calls) {
    expect(call.type).toBe(events[call.event]?.type);
    expect(call.ok).toBe(call.error === null);
  }
  for (const things of [o.containers, o.sandboxes]) expect(new Set(things.map((t) => t.id)).size).toBe(things.length);
  return "ran";
}

// A pool of labels: the traces' own, kubelet ids, and names the API server or the model's
// records cannot take.
const labels = ["p", "q", "c", "d", "a", "sb", "A", "B", "p#1", "p#2", "p:c#2", "p:c#3", "q:d#4", "web-0.ns", "C", "a_b", "x:y", "constructor", "__proto__", "toString", ""];
const label = fc.constantFrom(...labels);
const number = fc.oneof(fc.constantFrom(0, 1, 2, 3, 10, 130, 137, 255, 256, 600, -1, 1.5), fc.integer());
/** Each event type with the fields its schema has. */
const fieldsOf = new Map(eventSchema.options.map((o) => [o.shape.type.value as string, Object.keys(o.shape)]));
const types = [...fieldsOf.keys()];
const configNames = allConfigs().map((c) => c.name);

/** An event of a known type with fields drawn from the pool: often valid, often not. */
const randomEvent = fc.record(
  {
    type: fc.constantFrom(...types),
    pod: label,
    id: label,
    sandbox: label,
    name: label,
    containers: fc.array(label, { maxLength: 3 }),
    order: fc.array(label, { maxLength: 3 }),
    attempt: number,
    code: number,
    writes: number,
    seconds: number,
    waiting: fc.constantFrom("finish", "stuck", "never"),
    restartPolicy: fc.constantFrom("Always", "OnFailure", "Never", "Sometimes"),
  },
  { requiredKeys: ["type"] },
);

/** Only the fields its type has, so that most of these pass the schema and reach the model. */
const fittingEvent = randomEvent.map((e) => {
  const fields = fieldsOf.get(e.type)!;
  return Object.fromEntries(Object.entries(e).filter(([key]) => fields.includes(key)));
});

const traceText = (events: unknown[], config?: string) => JSON.stringify({ name: "fuzz", description: "", ...(config ? { config } : {}), events });

const knownTraces = traceFiles(new URL("../traces", import.meta.url).pathname).map((path) => JSON.parse(readFileSync(path, "utf8")) as Trace);

interface Trace {
  name: unknown;
  description: unknown;
  config?: unknown;
  events: unknown[];
}

type Fields = Record<string, unknown>;
const asFields = (value: unknown): Fields | null => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Fields) : null);

/** Every string in a JSON value but the events' types replaced by f(string). */
function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  const fields = asFields(value);
  return fields ? Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, k === "type" ? v : mapStrings(v, f)])) : value;
}

/** The strings mapStrings would map. */
function strings(value: unknown): string[] {
  const found: string[] = [];
  mapStrings(value, (s) => (found.push(s), s));
  return [...new Set(found)];
}

/** Edits a careless hand or a broken generator makes to a valid trace; positions wrap around. */
const edit = fc.oneof(
  // Weighted towards edits after which the trace often still loads, so that the model runs it.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("drop" as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), i: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("swap" as const), i: fc.nat(), j: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("insert" as const), i: fc.nat(), event: fc.oneof({ weight: 3, arbitrary: fittingEvent }, randomEvent, fc.jsonValue()) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete field" as const), i: fc.nat(), field: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("set field" as const),
      i: fc.nat(),
      field: fc.constantFrom("type", "pod", "id", "sandbox", "name", "containers", "order", "attempt", "code", "writes", "seconds", "waiting", "x"),
      value: fc.oneof({ weight: 3, arbitrary: label }, { weight: 2, arbitrary: number }, fc.constantFrom(...types), fc.array(label, { maxLength: 3 }), fc.jsonValue()),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("rename" as const), from: fc.nat(), to: label }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("top" as const), field: fc.constantFrom("name", "description", "config", "events", "extra"), value: fc.oneof(fc.constantFrom(...configNames, "baseline/none"), fc.jsonValue()) }) },
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function applyEdit(trace: Trace, e: Edit): Trace {
  const events = Array.isArray(trace.events) ? [...trace.events] : [];
  const at = (i: number) => i % Math.max(1, events.length);
  const fields = "i" in e ? asFields(events[at(e.i)]) : null;
  switch (e.kind) {
    case "drop":
      events.splice(at(e.i), 1);
      break;
    case "duplicate":
      events.splice(at(e.i), 0, structuredClone(events[at(e.i)]));
      break;
    case "swap":
      [events[at(e.i)], events[at(e.j)]] = [events[at(e.j)], events[at(e.i)]];
      break;
    case "insert":
      events.splice(at(e.i), 0, e.event);
      break;
    case "delete field":
      if (fields) events[at(e.i)] = Object.fromEntries(Object.entries(fields).filter((_, k) => k !== e.field % Object.keys(fields).length));
      break;
    case "set field":
      if (fields) events[at(e.i)] = { ...fields, [e.field]: e.value };
      break;
    case "rename": {
      // One label of the trace becomes another everywhere: pods, ids and names alike.
      const used = strings(events);
      const from = used[e.from % Math.max(1, used.length)];
      return { ...trace, events: events.map((event) => mapStrings(event, (s) => (s === from ? e.to : s))) };
    }
    case "top":
      return { ...trace, events, [e.field]: e.value };
  }
  return { ...trace, events };
}

/** Impossible inputs the API server would refuse, made on top of any trace: each must be refused. */
const impossible = fc.oneof(
  fc.record({ kind: fc.constant("container named twice" as const), i: fc.nat(), j: fc.nat() }),
  fc.record({ kind: fc.constant("pod added twice" as const), i: fc.nat(), j: fc.nat() }),
  fc.record({ kind: fc.constant("sync of a pod never added" as const), i: fc.nat() }),
  fc.record({ kind: fc.constant("delete of a pod never added" as const), i: fc.nat() }),
);
type Impossible = typeof impossible extends fc.Arbitrary<infer I> ? I : never;

/** The trace with the impossible input, or null when the trace has nothing to make it of. */
function makeImpossible(trace: Trace, m: Impossible): Trace | null {
  const events = Array.isArray(trace.events) ? [...trace.events] : [];
  const at = (i: number, length = events.length) => i % Math.max(1, length);
  if (m.kind === "sync of a pod never added" || m.kind === "delete of a pod never added") {
    // A valid pod name that appears nowhere in the trace.
    const text = JSON.stringify(trace);
    const pod = ["never-added", "never-added-1", "never-added-2"].find((p) => !text.includes(p))!;
    events.splice(at(m.i, events.length + 1), 0, { type: m.kind === "sync of a pod never added" ? "kubelet.sync" : "pod.delete", pod });
    return { ...trace, events };
  }
  const adds = events.flatMap((e, index) => (asFields(e)?.type === "pod.add" ? [index] : []));
  if (adds.length === 0) return null;
  const index = adds[at(m.i, adds.length)]!;
  const add = asFields(events[index])!;
  if (m.kind === "pod added twice") {
    events.splice(index + 1 + at(m.j, events.length - index), 0, structuredClone(add));
    return { ...trace, events };
  }
  const containers = Array.isArray(add.containers) ? add.containers : [];
  if (containers.length === 0) return null;
  events[index] = { ...add, containers: [...containers, containers[at(m.j, containers.length)]] };
  return { ...trace, events };
}

const property = <T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>) =>
  fc.assert(
    fc.asyncProperty(arbitrary, predicate),
    { numRuns: runs },
  );

describe(`restart-sim replay on ${runs} inputs of each kind: runs, or exit 2 with one line`, () => {
  it("arbitrary text and JSON", async () => {
    await property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))), async (text) => {
      await runsOrIsRefused(text);
    });
  });

  it("random events over a small pool of labels, on every configuration", async () => {
    const outcomes = { ran: 0, refused: 0 };
    await property(fc.tuple(fc.array(fc.oneof({ weight: 4, arbitrary: fittingEvent }, { weight: 1, arbitrary: randomEvent }), { maxLength: 12 }), fc.constantFrom(...configNames)), async ([events, config]) => {
      outcomes[await runsOrIsRefused(traceText(events, config))]++;
    });
    // Not all refused: the fuzz reaches the model.
    expect(outcomes.ran).toBeGreaterThan(runs / 20);
  });

  it("mutated traces from traces/", async () => {
    const outcomes = { ran: 0, refused: 0 };
    await property(fc.tuple(fc.constantFrom(...knownTraces), fc.array(edit, { minLength: 1, maxLength: 4 })), async ([trace, edits]) => {
      outcomes[await runsOrIsRefused(JSON.stringify(edits.reduce(applyEdit, trace)))]++;
    });
    expect(outcomes.ran).toBeGreaterThan(runs / 20);
  });

  it("impossible inputs made on top of mutated traces are always refused", async () => {
    await property(fc.tuple(fc.constantFrom(...knownTraces), fc.array(edit, { maxLength: 2 }), impossible), async ([trace, edits, m]) => {
      const made = makeImpossible(edits.reduce(applyEdit, trace), m);
      if (made) expect(await runsOrIsRefused(JSON.stringify(made))).toBe("refused");
    });
  });
});

// The kubelet on a healthy node: no restart, no full disk, no stuck storage. Whatever pods it is
// given and however their processes exit, no safety property may fail: a violation here is an
// input the model should have refused, or a bug.
describe("a healthy node violates nothing", () => {
  const podAdd = (pod: string) =>
    fc.record({
      type: fc.constant("pod.add"),
      pod: fc.constant(pod),
      // Names may repeat: such a pod is refused, and would run two copies of a container if not.
      containers: fc.array(fc.constantFrom("c", "d", "e"), { minLength: 1, maxLength: 3 }),
      restartPolicy: fc.constantFrom("Always", "OnFailure", "Never"),
    });
  const pods = fc.oneof(fc.tuple(podAdd("p")), fc.tuple(podAdd("p"), podAdd("q")));
  const pod = fc.constantFrom("p", "q");
  const body = fc.oneof(
    { weight: 4, arbitrary: fc.record({ type: fc.constant("kubelet.sync"), pod }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant("pod.delete"), pod }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant("kubelet.gc") }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant("clock.tick"), seconds: fc.constantFrom(1, 10, 300) }) },
    // A process the kubelet started exits: its id is "<pod>:<container>#<n>", n from the kubelet's counter.
    { weight: 3, arbitrary: fc.record({ type: fc.constant("process.exit"), pod, container: fc.nat(), n: fc.integer({ min: 1, max: 12 }), code: fc.constantFrom(0, 1, 137) }) },
  );
  const healthyTrace = fc.tuple(pods, fc.array(body, { maxLength: 16 })).map(([adds, events]) =>
    [
      ...adds,
      ...events.map((e) => {
        // Events name only the pods added.
        const added = "pod" in e ? (adds.find((a) => a.pod === e.pod) ?? adds[0]) : undefined;
        if (!added || !("container" in e)) return added ? { ...e, pod: added.pod } : e;
        return { type: e.type, id: `${added.pod}:${added.containers[e.container % added.containers.length]}#${e.n}`, code: e.code };
      }),
    ],
  );
  it(`on every configuration (${runs} runs)`, async () => {
    let ran = 0;
    await property(fc.tuple(healthyTrace, fc.constantFrom(...configNames)), async ([events, config]) => {
      const { code, stdout } = await replayCli(traceText(events, config));
      if (code === 2) return;
      ran++;
      expect((JSON.parse(stdout.join("\n")) as Observation).violations).toEqual([]);
    });
    expect(ran).toBeGreaterThan(runs / 5);
  });
});

// The same through a real process, as a user sees it: exit 2, one line on stderr, nothing else.
describe("restart-sim replay as a process", () => {
  const bin = new URL("../bin/restart-sim.mjs", import.meta.url).pathname;
  const cases: [string, string, RegExp][] = [
    ["a container named twice", traceText([{ type: "pod.add", pod: "p", containers: ["c", "c"] }, { type: "kubelet.sync", pod: "p" }]), /event 0 \(pod.add\): field "containers.1": container name "c" is listed twice/],
    ["a sync of a pod never added", traceText([{ type: "kubelet.sync", pod: "p" }]), /event 0 \(kubelet.sync\): field "pod": pod "p" was never added/],
    ["text that is not JSON", "{ events: [", /: not JSON: /],
  ];
  it("refuses each with exit 2 and one line", { timeout: 60_000 }, async () => {
    const results = await Promise.all(
      cases.map(async ([, text], i) => {
        const path = join(dir, `${i}.json`);
        writeFileSync(path, text);
        return promisify(execFile)(process.execPath, [bin, "replay", path]).then(
          ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
          (error: { code: number; stdout: string; stderr: string }) => error,
        );
      }),
    );
    for (const [[what, , message], result] of cases.map((c, i) => [c, results[i]!] as const)) {
      expect(result.code, what).toBe(2);
      expect(result.stdout, what).toBe("");
      expect(result.stderr.split("\n"), what).toEqual([expect.stringMatching(message), ""]);
    }
  });
});
