// Pure tests of the containerd log parsing and of the trace pre-check (no daemon, no root).
import { describe, expect, it } from "vitest";
import { fatalError, logField, readGoQuoted, startedRevisions } from "./daemon-log.ts";
import { needsTestHooks, unsupportedEvents } from "./run-trace.ts";

// Shape of the real line from containerd 1.6.20 (real-containerd.md), ids shortened.
const fatalLine =
  'time="2026-11-27T00:50:05.075428978Z" level=fatal msg="Failed to run CRI service" error="failed to recover state: failed to reserve container name \\"b_p_default_uid-p_0\\": name \\"b_p_default_uid-p_0\\" is reserved for \\"6e4a\\""';

describe("containerd log parsing", () => {
  it("reads the revision each start logged (a variant build's names its patch)", () => {
    const start = (rev: string) => `time="2026-11-30T09:35:01.1Z" level=info msg="starting containerd" revision=${rev} version=1.6.20~ds1`;
    const log = [start("restart-sim-short-term-46a8ed1532b0"), 'time="x" level=info msg="loading plugin"', start("1.6.20~ds1-1+deb12u3")].join("\n");
    expect(startedRevisions(log)).toEqual(["restart-sim-short-term-46a8ed1532b0", "1.6.20~ds1-1+deb12u3"]);
  });

  it("unquotes Go strings with escapes", () => {
    expect(readGoQuoted('"a\\"b\\\\c\\n\\x41\\u00e9" rest', 0)).toEqual({ value: 'a"b\\c\nAé', end: 21 });
    expect(readGoQuoted('"unterminated', 0)).toBeUndefined();
  });

  it("reads quoted and bare fields", () => {
    expect(logField(fatalLine, "level")).toBe("fatal");
    expect(logField(fatalLine, "msg")).toBe("Failed to run CRI service");
  });

  it("extracts the fatal CRI error", () => {
    const log = `time="x" level=info msg="loading plugin"\n${fatalLine}\n`;
    expect(fatalError(log)).toBe(
      'failed to recover state: failed to reserve container name "b_p_default_uid-p_0": name "b_p_default_uid-p_0" is reserved for "6e4a"',
    );
    expect(fatalError('time="x" level=error msg="Failed to load container"')).toBeUndefined();
  });
});

describe("unsupportedEvents", () => {
  it("lists kubelet and pod events with their indexes and the catalogue's reason; disk.room and short ticks run", () => {
    const events = [
      { type: "pod.add" },
      { type: "cri.runPodSandbox" },
      { type: "kubelet.sync" },
      { type: "disk.room", writes: 2 },
      { type: "clock.tick", seconds: 30 },
      { type: "kubelet.gc" },
      { type: "pod.delete" },
    ];
    const found = unsupportedEvents({ events });
    expect(found.map(({ index, type }) => ({ index, type }))).toEqual([
      { index: 0, type: "pod.add" },
      { index: 2, type: "kubelet.sync" },
      { index: 5, type: "kubelet.gc" },
      { index: 6, type: "pod.delete" },
    ]);
    for (const f of found) expect(f.why).toMatch(/no real kubelet/);
  });

  it("refuses the faults of issue 14 the test hooks cannot make, on event types the harness runs", () => {
    const events = [
      { type: "cri.startContainer", id: "A", crashAt: "task-started" },
      { type: "storage.hang", pod: "p" },
      { type: "storage.hang" },
      { type: "storage.resume", waiting: "fail" },
      { type: "storage.resume", call: "A" },
      { type: "storage.resume", waiting: "stuck" },
    ];
    const found = unsupportedEvents({ events });
    // A crash point runs (crash-points.ts), on a build with the test hooks only.
    expect(found.map(({ index }) => index)).toEqual([1, 3, 4]);
    expect(needsTestHooks({ events: events.slice(0, 1) })).toBe("containerd dies inside a call (crashAt, #0)");
  });

  it("says which traces need the test hooks: storage.hang and crashAt, not the other events", () => {
    expect(needsTestHooks({ events: [{ type: "cri.startContainer", id: "A" }, { type: "containerd.stop" }] })).toBeUndefined();
    expect(needsTestHooks({ events: [{ type: "cri.startContainer", id: "A" }, { type: "storage.hang" }] })).toBe("it holds calls (storage.hang, #1)");
  });

  it("refuses a clock.tick that would wait more than 30 s of real time, saying so", () => {
    expect(unsupportedEvents({ events: [{ type: "clock.tick", seconds: 31 }] })).toEqual([
      { index: 0, type: "clock.tick", why: "clock.tick of 31 s (#0) would wait 31 s of real time; the harness waits at most 30 s per tick" },
    ]);
  });
});
