// A run whose bolt record updates took no new block agrees with the model only under the
// freelist choice "reuse", and the report names it; the default stays what the trace says.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTrace } from "../model/trace.ts";
import { configOrThrow, onDisk } from "../model/config.ts";
import { isClean, judge } from "./known-differences.ts";
import type { Recording } from "./recordings.ts";
import { heldToModel } from "./schedules.ts";
import { freelistChoices } from "./freelist-choices.ts";
import { compareObservations } from "./compare.ts";
import { replay } from "../properties/replay.ts";

const name = "shared-start-failure-fits";
const parsed = parseTrace(readFileSync(new URL(`../traces/${name}.json`, import.meta.url), "utf8"));
if (!parsed.ok) throw new Error(parsed.error);
const { events } = parsed.trace;
const recorded = (dir: string) => JSON.parse(readFileSync(new URL(`./recorded/${dir}/${name}.json`, import.meta.url), "utf8")) as Recording;

describe("bolt's freelist choice in conformance", () => {
  it("long-term's daemon ran B (both record updates took no block): the trace's own default disagrees, \"reuse\" at the fill agrees and is named", () => {
    const config = onDisk(configOrThrow("long-term/99748"), "shared");
    const real = recorded("long-term/shared");
    const judged = (fields: Parameters<typeof judge>[2]) => judge("long-term/shared", name, fields);
    expect(isClean(judged(compareObservations(replay(events, config, { log: false }).observation, real)))).toBe(false);
    const held = heldToModel(events, "1.6", real.loadOrders, config, real, judged, isClean);
    expect(isClean(held.judged)).toBe(true);
    expect(held.schedule).toBe(`bolt's freelist held pages for record updates (freelist "reuse") from disk.fill #4`);
  });

  it("baseline, whose statuses are files, agrees under the default and is given no other choice", () => {
    const config = onDisk(configOrThrow("baseline/99748"), "shared");
    const real = recorded("baseline/shared");
    const held = heldToModel(events, "1.6", real.loadOrders, config, real, (fields) => judge("baseline/shared", name, fields), isClean);
    expect(isClean(held.judged)).toBe(true);
    expect(held.schedule).toBeUndefined();
  });

  it("tries every set of the fills that name no freelist, and leaves a named one as it is", () => {
    const fills = [{ type: "disk.fill" }, { type: "disk.free" }, { type: "disk.room", writes: 3 }, { type: "disk.fill", freelist: "grow" }] as const;
    expect([...freelistChoices(fills)].map((c) => c.schedule)).toEqual([
      `bolt's freelist held pages for record updates (freelist "reuse") from disk.fill #0`,
      `bolt's freelist held pages for record updates (freelist "reuse") from disk.room #2`,
      `bolt's freelist held pages for record updates (freelist "reuse") from disk.fill #0, disk.room #2`,
    ]);
  });
});
