// heldToModel tries the errgroup's other schedules only where the daemon has one (1.7), and
// only when the trace's own schedule disagrees.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTrace } from "../model/trace.ts";
import { configOrThrow, onDisk, onRelease } from "../model/config.ts";
import { containerd16, containerd17 } from "../model/releases.ts";
import { isClean, judge } from "./known-differences.ts";
import type { Recording } from "./recordings.ts";
import { heldToModel } from "./schedules.ts";

const name = "shared-parallel-loads-take-the-freed-block";
const parsed = parseTrace(readFileSync(new URL(`../traces/${name}.json`, import.meta.url), "utf8"));
if (!parsed.ok) throw new Error(parsed.error);
const { events } = parsed.trace;
const real = JSON.parse(readFileSync(new URL(`./recorded/baseline/containerd-1.7/shared/${name}.json`, import.meta.url), "utf8")) as Recording;
const judged = (fields: Parameters<typeof judge>[2]) => judge("baseline@1.7/shared", name, fields);

describe("heldToModel", () => {
  it("finds the 1.7 schedule the run agrees under when the trace's own disagrees, and names it", () => {
    const config = onRelease(onDisk(configOrThrow("baseline/99748"), "shared"), containerd17);
    const own = heldToModel(events, "1.7", undefined, config, real, judged, isClean);
    expect(isClean(own.judged)).toBe(false);
    const held = heldToModel(events, "1.7", real.loadOrders, config, real, judged, isClean);
    expect(isClean(held.judged)).toBe(true);
    expect(held.schedule).toMatch(/^containerd\.start #8: order A,B, parallel \d$/);
  });

  it("gives containerd 1.6 no other schedule than the one it ran", () => {
    const config = onRelease(onDisk(configOrThrow("baseline/99748"), "shared"), containerd16);
    const held = heldToModel(events.map((e) => (e.type === "containerd.start" ? { type: "containerd.start" as const, order: ["B", "A"], parallel: 2 } : e)), "1.6", undefined, config, real, judged, isClean);
    expect(held.schedule).toBeUndefined();
    expect(isClean(held.judged)).toBe(false);
  });
});
