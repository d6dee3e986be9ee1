// The model against what the real containerd 1.6.20 did on these traces, recorded by
// `restart-sim conformance --record conformance/recorded` (root only). This keeps the model
// honest in `npm test`, where no daemon can run; re-record after changing a trace.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Observation } from "../model/observation.ts";
import { parseTrace } from "../model/trace.ts";
import { configOrThrow } from "../model/config.ts";
import { replay } from "../properties/replay.ts";
import { compareObservations } from "./compare.ts";

const dir = new URL("./recorded/", import.meta.url);
const recorded = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();

describe("model vs recorded real-daemon observations", () => {
  it("has recordings for the conformance traces", () => {
    expect(recorded.length).toBeGreaterThanOrEqual(5);
  });

  it.each(recorded)("%s: every field agrees or is a documented nondeterminism", (file) => {
    const real = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Observation;
    const parsed = parseTrace(readFileSync(new URL(`../traces/${file}`, import.meta.url), "utf8"));
    if (!parsed.ok) throw new Error(parsed.error);
    const model = replay(parsed.trace.events, configOrThrow("baseline/99748"), { log: false }).observation;
    const disagreeing = compareObservations(model, real).filter((f) => f.verdict === "disagree");
    expect(disagreeing).toEqual([]);
  });
});
