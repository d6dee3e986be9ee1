// Every crash point of the model can be made on the daemon: it has a test hook, and the hook is
// one test-hooks.patch adds, where the model's point is in the real function.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { crashCalls, crashPoints, pointsOf } from "../model/cri/crash.ts";
import { crashHookOf, crashHooks } from "./crash-points.ts";
import { testHooksPatch } from "./build/patches.ts";

const patch = readFileSync(testHooksPatch.path, "utf8");
/** The points test-hooks.patch adds: testHold(ctx, "<point>", ...) on an added line. */
const hooked = new Set([...patch.matchAll(/^\+\s*testHold\(ctx, "([^"]+)"/gm)].map((m) => m[1]!));

const every = crashCalls.flatMap((call) => pointsOf(call).map((at) => ({ call, at })));

describe("crash points on the daemon", () => {
  it.each(every)("$call $at: held at a hook test-hooks.patch adds, of the same CRI method", ({ call, at }) => {
    const hook = (crashHooks[call] as Record<string, { hook: string }>)[at]!.hook;
    expect(hooked.has(hook), hook).toBe(true);
    expect(hook.toLowerCase().startsWith(`${call.toLowerCase()}.`)).toBe(true);
  });

  it("maps no point the model does not have", () => {
    for (const call of crashCalls) expect(Object.keys(crashHooks[call]).sort()).toEqual(Object.keys(crashPoints[call]).sort());
  });

  it("reads a cri.* event's crashAt, and nothing from an event without one", () => {
    expect(crashHookOf({ type: "cri.startContainer", crashAt: "task-started" })).toEqual({ call: "startContainer", at: "task-started", hook: "StartContainer.after-task-start", made: false });
    expect(crashHookOf({ type: "cri.createContainer", crashAt: "record-written" })?.made).toBe(true);
    expect(crashHookOf({ type: "cri.startContainer" })).toBeUndefined();
  });
});
