// A CRI call still in flight at its event is observed as what its caller finally got.
import { describe, expect, it } from "vitest";
import { configOrThrow } from "../model/config.ts";
import type { Event } from "../model/events.ts";
import { replay } from "./replay.ts";

const deadlineExceeded = "rpc error: code = DeadlineExceeded desc = context deadline exceeded";
const sandbox: Event = { type: "cri.runPodSandbox", pod: "p", id: "p#1", attempt: 0 };
const create = (id: string): Event => ({ type: "cri.createContainer", id, sandbox: "p#1", name: "c", attempt: 0 });
const held: Event[] = [sandbox, { type: "storage.hang" }, create("p:c#2")];

function calls(events: Event[], config = "baseline/99748") {
  return replay(events, configOrThrow(config), { log: false }).observation.calls.map(({ event, ok, error }) => ({ event, ok, error }));
}

describe("a call in flight at its event", () => {
  it("gets the late result when it returns before its caller's 120 s deadline", () => {
    expect(calls([...held, { type: "clock.tick", seconds: 119 }, { type: "storage.resume" }])[1]).toEqual({ event: 2, ok: true, error: null });
  });
  it("gets the call's own error when it fails before the deadline", () => {
    const [, got] = calls([...held, { type: "clock.tick", seconds: 10 }, { type: "storage.resume", waiting: "fail" }]);
    expect(got).toEqual({ event: 2, ok: false, error: expect.stringMatching(/failed to stat volume of pod p/) });
  });
  it("stays DeadlineExceeded when the deadline passes first, and when it never returns", () => {
    const late = [...held, { type: "clock.tick", seconds: 120 }, { type: "storage.resume" }] satisfies Event[];
    const stuck = [...held, { type: "storage.resume", waiting: "stuck" }, { type: "storage.resume" }] satisfies Event[];
    const restarted = [...held, { type: "containerd.stop" }, { type: "containerd.start" }, { type: "storage.resume" }] satisfies Event[];
    for (const events of [late, stuck, restarted]) expect(calls(events)[1]).toEqual({ event: 2, ok: false, error: deadlineExceeded });
  });
  it("gives each caller of a joined call the result under its own deadline", () => {
    const events: Event[] = [...held, { type: "clock.tick", seconds: 130 }, create("p:c#3"), { type: "clock.tick", seconds: 10 }, { type: "storage.resume" }];
    expect(calls(events, "join-in-flight-create/99748").slice(1)).toEqual([
      { event: 2, ok: false, error: deadlineExceeded },
      { event: 4, ok: true, error: null },
    ]);
  });
});
