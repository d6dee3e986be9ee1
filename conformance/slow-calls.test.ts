// The harness side of slow calls, without a daemon: the kubelet's deadlines, the time scale,
// the hold files, and what the daemon's log says of create calls.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Event } from "../model/events.ts";
import { createCallsInProgress, createdIds, Holds, kubeletDeadlineSeconds, msPerModelSecond, SlowCalls } from "./slow-calls.ts";

const idA = "a".repeat(64);
const idB = "b".repeat(64);
const line = (msg: string, level = "info") => `time="2026-11-30T10:00:00Z" level=${level} msg=${JSON.stringify(msg)}`;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const holds = () => new Holds((dir = mkdtempSync(join(tmpdir(), "slow-calls-test-"))));

describe("slow calls", () => {
  it("gives each call the kubelet's deadline: RunPodSandbox 240 s, every other call 120 s", () => {
    expect(kubeletDeadlineSeconds("cri.runPodSandbox")).toBe(240);
    for (const t of ["cri.createContainer", "cri.startContainer", "cri.stopContainer", "cri.removePodSandbox"]) expect(kubeletDeadlineSeconds(t)).toBe(120);
  });

  it("runs a trace with storage.hang 20 times fast, unless it has disk events", () => {
    const hang: Event = { type: "storage.hang" };
    const tick: Event = { type: "clock.tick", seconds: 130 };
    expect(msPerModelSecond([tick])).toBe(1000);
    expect(msPerModelSecond([hang, tick])).toBe(50);
    expect(msPerModelSecond([hang, { type: "disk.fill" }, tick])).toBe(1000);
  });

  it("holds with an atomic file (empty: every call; else the ids to keep held), lists and forgets held calls", () => {
    const h = holds();
    h.hold("CreateContainer.before-snapshot");
    expect(readFileSync(join(h.dir, "hold-CreateContainer.before-snapshot"), "utf8")).toBe("");
    h.hold("CreateContainer.before-snapshot", [idA]);
    expect(readFileSync(join(h.dir, "hold-CreateContainer.before-snapshot"), "utf8")).toBe(`${idA}\n`);
    writeFileSync(join(h.dir, `held-CreateContainer.before-snapshot-${idA}`), "c_p_default_uid-p_1\n");
    writeFileSync(join(h.dir, `held-RunPodSandbox.after-shim-start-${idB}`), "p_default_uid-p_0\n");
    expect(h.held().sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { point: "CreateContainer.before-snapshot", id: idA },
      { point: "RunPodSandbox.after-shim-start", id: idB },
    ]);
    h.forgetHeld();
    expect(h.held()).toEqual([]);
    h.release("CreateContainer.before-snapshot");
    h.release("CreateContainer.before-snapshot"); // releasing twice is fine
  });

  it("counts the create calls the daemon's log shows begun and not ended, and the ids they returned", () => {
    const log = [
      line('RunPodSandbox for &PodSandboxMetadata{Name:p,Uid:uid-p,Namespace:default,Attempt:0,}'),
      line(`RunPodSandbox for &PodSandboxMetadata{Name:p,Uid:uid-p,Namespace:default,Attempt:0,} returns sandbox id "${idA}"`),
      line('CreateContainer within sandbox "x" for container &ContainerMetadata{Name:c,Attempt:1,}'),
      line('CreateContainer within sandbox "x" for container &ContainerMetadata{Name:c,Attempt:1,}'),
      line('CreateContainer within sandbox "x" for &ContainerMetadata{Name:c,Attempt:1,} failed', "error"),
      line('CreateContainer within sandbox "x" for container &ContainerMetadata{Name:c,Attempt:2,}'),
    ].join("\n");
    expect(createCallsInProgress(log)).toBe(2);
    const ended = `${log}\n${line(`CreateContainer within sandbox "x" for &ContainerMetadata{Name:c,Attempt:2,} returns container id "${idB}"`)}`;
    expect(createCallsInProgress(ended)).toBe(1);
    expect([...createdIds(ended)].sort()).toEqual([idA, idB]);
  });

  it("fails a run where a call out passes its deadline on the daemon but not in the model", async () => {
    const slow = new SlowCalls(holds(), [{ type: "storage.hang" }], () => {});
    const never = new Promise<void>(() => {});
    // A call made 7 s ago (real) at model second 0 that has not returned: put in by hand, as
    // issued() would after its quiet wait, so the test need not wait out a real deadline.
    (slow as unknown as { watched: unknown[] }).watched.push({ index: 3, issuedMs: Date.now() - 7000, at: 0, deadline: 120, settled: false, done: never });
    expect(() => slow.check(4)).toThrow(/^event #4: the call of event #3 has passed its deadline on the daemon \(\d+ ms after it was made\) but has not in the model \(0 s of 120 s\)/);
    slow.tick(121);
    expect(() => slow.check(5)).not.toThrow();
  });
});
