// The model against what the real containerd 1.6.20 did on these traces, recorded per
// containerd variant by `restart-sim conformance [--variant V] --record conformance/recorded`
// (root only): recorded/<variant>/<trace>.json, where baseline is the packaged daemon and
// every other variant Debian's source with conformance/patches/<variant>.patch. This keeps
// the model honest in `npm test`, where no daemon can run; re-record after changing a trace.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Observation } from "../model/observation.ts";
import { parseTrace } from "../model/trace.ts";
import { configOrThrow } from "../model/config.ts";
import { containerdVariants } from "../model/variants/containerd.ts";
import { replay } from "../properties/replay.ts";
import { compareObservations } from "./compare.ts";
import { judge } from "./known-differences.ts";

const dir = new URL("./recorded/", import.meta.url);
const variants = readdirSync(dir).sort();
const recorded = variants.flatMap((variant) =>
  readdirSync(new URL(`${variant}/`, dir))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({ variant, file })),
);

describe("model vs recorded real-daemon observations", () => {
  it("has recordings of every containerd variant, each a variant the model knows", () => {
    expect(variants).toEqual(containerdVariants.map((v) => v.name).sort());
    for (const variant of variants) expect(recorded.filter((r) => r.variant === variant).length).toBeGreaterThanOrEqual(5);
  });

  it.each(recorded)("$variant: $file: every field agrees, is a documented nondeterminism or a listed finding", ({ variant, file }) => {
    const real = JSON.parse(readFileSync(new URL(`${variant}/${file}`, dir), "utf8")) as Observation;
    const parsed = parseTrace(readFileSync(new URL(`../traces/${file}`, import.meta.url), "utf8"));
    if (!parsed.ok) throw new Error(parsed.error);
    // The kubelet half does not matter: these traces have no kubelet events.
    const model = replay(parsed.trace.events, configOrThrow(`${variant}/99748`), { log: false }).observation;
    const { unexpected, stale } = judge(variant, file.replace(/\.json$/, ""), compareObservations(model, real));
    expect(unexpected).toEqual([]);
    expect(stale).toEqual([]);
  });
});
