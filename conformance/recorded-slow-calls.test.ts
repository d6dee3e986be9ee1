// The model against what the patched daemons did on the slow-call traces (issue 11 item 4):
// create calls held at the storage's slow step by the TEST-ONLY hooks, every call under the
// kubelet's deadline (slow-calls.ts). The kubelet's calls depend on the containerd variant, so
// each variant has its own lowered trace, kept beside its observation:
//   recorded/<variant>/slow-calls/<trace>-lowered.trace.json  restart-sim lower traces/<trace>.json --config <variant>/99748 --out ...
//   recorded/<variant>/slow-calls/<trace>-lowered.json        restart-sim conformance --variant <variant> <that file> --record DIR
//                                                              (as root), DIR/<variant>/<trace>-lowered.json moved here
// and late-sandbox-after-deadline, a CRI-only probe of a late RunPodSandbox, the same way
// without the lowering.
// Differences are findings, listed in known-differences.ts under the variant and the lowered
// trace's name; re-record when a lowered trace changes (the last test says when).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Observation } from "../model/observation.ts";
import { parseTrace, type Trace } from "../model/trace.ts";
import { configOrThrow } from "../model/config.ts";
import { replay } from "../properties/replay.ts";
import { lowerTrace } from "../properties/lower.ts";
import { compareObservations } from "./compare.ts";
import { judge } from "./known-differences.ts";

const dir = new URL("./recorded/", import.meta.url);

function readTrace(url: URL): Trace {
  const parsed = parseTrace(readFileSync(url, "utf8"));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.trace;
}

const recorded = readdirSync(dir)
  .sort()
  .flatMap((variant) => {
    const under = new URL(`${variant}/slow-calls/`, dir);
    if (!existsSync(under)) return [];
    return readdirSync(under)
      .filter((f) => f.endsWith(".trace.json"))
      .sort()
      .map((f) => ({ variant, name: f.replace(/\.trace\.json$/, ""), trace: new URL(f, under), observation: new URL(f.replace(/\.trace\.json$/, ".json"), under) }));
  });

describe("model vs the patched daemons on slow calls", () => {
  it("has the slow-call traces on baseline-from-source and the three slow-call fixes", () => {
    const has = (variant: string) => recorded.filter((r) => r.variant === variant).map((r) => r.name);
    const lowered = ["hung-create-until-restart-lowered", "issue-4604-slow-create-lowered"];
    expect(has("baseline")).toEqual([...lowered, "late-sandbox-after-deadline"]);
    expect(has("release-name-on-cancel")).toEqual([...lowered, "late-sandbox-after-deadline"]);
    for (const variant of ["join-in-flight-create", "keep-task-release-name"]) expect(has(variant), variant).toEqual(lowered);
  });

  it.each(recorded)("$variant: $name: every field agrees or is a listed finding", ({ variant, name, trace, observation }) => {
    const lowered = readTrace(trace);
    expect(lowered.config).toBe(`${variant}/99748`);
    const real = JSON.parse(readFileSync(observation, "utf8")) as Observation;
    const model = replay(lowered.events, configOrThrow(lowered.config!), { log: false }).observation;
    const { unexpected, stale } = judge(variant, name, compareObservations(model, real));
    expect(unexpected).toEqual([]);
    expect(stale).toEqual([]);
  });

  // late-sandbox-after-deadline is CRI-only as written (no kubelet events), so it has no original to lower.
  it.each(recorded.filter((r) => r.name.endsWith("-lowered")))("$variant: $name: is what restart-sim lower makes of its trace today (else re-record)", ({ name, trace }) => {
    const lowered = readTrace(trace);
    const path = `traces/${name.replace(/-lowered$/, "")}.json`;
    const original = readTrace(new URL(`../${path}`, import.meta.url));
    expect(lowerTrace(original, configOrThrow(lowered.config!), path).trace.events).toEqual(lowered.events);
  });
});
