// The trace loader: every malformed or impossible input gets one clear line naming the event
// and field, never an exception (cli/input.fuzz.test.ts fuzzes it through the CLI).
import { describe, expect, it } from "vitest";
import { parseTrace } from "./trace.ts";
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
  it("names an unknown configuration", () => {
    expect(expectOneLineError(JSON.stringify({ name: "t", description: "", config: "baseline/none", events: [] }))).toMatch(
      /^trace: field "config": unknown configuration "baseline\/none": expected <containerd>\/<kubelet>/,
    );
  });
  it("names an unknown event type with its index", () => {
    expect(expectOneLineError(withEvents([{ type: "containerd.start" }, { type: "disk.explode" }]))).toBe(
      'event 1 (disk.explode): unknown event type "disk.explode"',
    );
  });
  it("names a missing event type", () => {
    expect(expectOneLineError(withEvents([{ type: "disk.fill" }, { pod: "p" }]))).toBe('event 1: field "type" is missing');
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
    const sync = [{ type: "pod.add", pod: "q", containers: ["c"] }, { type: "kubelet.sync", pod: "q" }];
    expect(expectOneLineError(withEvents([{ ...sandbox, id: "p#1" }, ...sync]))).toBe(
      'event 0 (cri.runPodSandbox): field "id": id "p#1" has the form of the kubelet\'s ids ("<pod>#<n>", "<pod>:<container>#<n>") in a trace where the kubelet syncs; choose another',
    );
  });
  it("accepts the kubelet's ids in a trace without a kubelet.sync (a lowered trace), each created once", () => {
    const sandbox = { type: "cri.runPodSandbox", pod: "p", id: "p#1", attempt: 0 };
    const create = { type: "cri.createContainer", id: "p:c#2", sandbox: "p#1", name: "c", attempt: 0 };
    expect(parseTrace(withEvents([sandbox, create, { type: "process.exit", id: "p:c#2", code: 1 }])).ok).toBe(true);
    expect(expectOneLineError(withEvents([sandbox, sandbox]))).toMatch(/^event 1 \(cri.runPodSandbox\): field "id": id "p#1" is already used/);
  });
  it("accepts the kubelet's own ids once a pod was added and synced", () => {
    const events = [{ type: "pod.add", pod: "p", containers: ["c"] }, { type: "kubelet.sync", pod: "p" }, { type: "process.exit", id: "p:c#2", code: 1 }];
    expect(parseTrace(withEvents(events)).ok).toBe(true);
    expect(expectOneLineError(withEvents([events[0], events[2]]))).toMatch(/never created/);
  });
  it("accepts the kubelet's ids only for a synced pod's own containers", () => {
    const add = { type: "pod.add", pod: "p", containers: ["c"] };
    const sync = { type: "kubelet.sync", pod: "p" };
    expect(parseTrace(withEvents([add, sync, { type: "cri.stopPodSandbox", id: "p#1" }])).ok).toBe(true);
    expect(expectOneLineError(withEvents([add, sync, { type: "process.exit", id: "p:d#2", code: 1 }]))).toBe(
      'event 2 (process.exit): field "id": id "p:d#2" was never created by an earlier event',
    );
    const other = { type: "pod.add", pod: "q", containers: ["c"] };
    expect(expectOneLineError(withEvents([add, other, { type: "kubelet.sync", pod: "q" }, { type: "process.exit", id: "p:c#2", code: 1 }]))).toMatch(
      /^event 3 \(process.exit\): field "id": id "p:c#2" was never created/,
    );
  });
});

// What the API server would refuse, so that no trace makes the kubelet do what no node could.
describe("impossible pods", () => {
  const add = (containers: string[], pod = "p") => ({ type: "pod.add", pod, containers });
  const sync = (pod = "p") => ({ type: "kubelet.sync", pod });

  it("refuses a pod whose containers share a name (it used to run, with a false no-duplicate-running)", () => {
    expect(expectOneLineError(withEvents([add(["c", "d", "c"]), sync()]))).toBe(
      'event 0 (pod.add): field "containers.2": container name "c" is listed twice; the API server refuses a pod whose containers share a name',
    );
  });
  it("refuses a sync or a delete of a pod never added (a sync used to pass silently)", () => {
    expect(expectOneLineError(withEvents([sync()]))).toBe('event 0 (kubelet.sync): field "pod": pod "p" was never added by an earlier pod.add');
    expect(expectOneLineError(withEvents([add(["c"], "q"), { type: "pod.delete", pod: "p" }]))).toBe(
      'event 1 (pod.delete): field "pod": pod "p" was never added by an earlier pod.add',
    );
  });
  it("refuses a second pod of a name, before and after the first is deleted", () => {
    expect(expectOneLineError(withEvents([add(["c"]), sync(), add(["d"])]))).toBe(
      'event 2 (pod.add): field "pod": pod "p" already exists (added by event 0); the API server refuses a second pod of that name',
    );
    expect(expectOneLineError(withEvents([add(["c"]), { type: "pod.delete", pod: "p" }, sync(), add(["c"])]))).toBe(
      'event 3 (pod.add): field "pod": pod "p" was added by event 0 and deleted by event 1; a new pod of that name would have a new UID, which a trace cannot give it',
    );
  });
  it("accepts a sync and a second delete of a deleted pod: the kubelet kills it, the API server accepts the delete again", () => {
    expect(parseTrace(withEvents([add(["c"]), sync(), { type: "pod.delete", pod: "p" }, sync(), { type: "pod.delete", pod: "p" }])).ok).toBe(true);
  });
  it("refuses names the API server refuses", () => {
    expect(expectOneLineError(withEvents([add(["c"], "P_1")]))).toMatch(/^event 0 \(pod.add\): field "pod": "P_1" is not a valid pod name/);
    expect(expectOneLineError(withEvents([add(["c"], "a:b")]))).toMatch(/^event 0 \(pod.add\): field "pod": "a:b" is not a valid pod name/);
    expect(expectOneLineError(withEvents([add(["c", "x#1"])]))).toMatch(/^event 0 \(pod.add\): field "containers.1": "x#1" is not a valid container name/);
    expect(expectOneLineError(withEvents([add(["c".repeat(64)])]))).toMatch(/field "containers.0": "c{64}" is not a valid container name/);
    expect(parseTrace(withEvents([add(["c-1", "d"], "web-0.ns"), sync("web-0.ns")])).ok).toBe(true);
  });
  it("refuses labels every JavaScript object already has (the model's records are plain objects)", () => {
    expect(expectOneLineError(withEvents([add(["constructor"])]))).toMatch(/^event 0 \(pod.add\): field "containers.0": "constructor" cannot be used as a label/);
    const sandbox = { type: "cri.runPodSandbox", pod: "p", id: "__proto__", attempt: 0 };
    expect(expectOneLineError(withEvents([sandbox]))).toMatch(/^event 0 \(cri.runPodSandbox\): field "id": "__proto__" cannot be used/);
  });
});
