// The review's shortest counterexamples on the variants' real daemons (issue 11 item 5). Each
// violated cell's counterexample that the harness can run, lowered under the cell's
// configuration and layout, is committed once per variant (cells whose counterexamples lower
// to the same CRI calls share it, named after the first in the review's order):
//   traces/counterexamples/<variant>/<config>-<property>[-shared]-lowered.json
//     = restart-sim lower report/traces/<config>-<property>[-shared].json --out ...   (npm start writes report/)
//   conformance/recorded/<variant>/counterexamples/<same name>.json
//     = restart-sim conformance --variant <variant> <that trace> --record DIR (as root),
//       DIR/<variant>/[shared/]<name>.json moved here
// The review (cli/report/daemon.ts) finds a cell's recording by what its counterexample lowers
// to today. Here each recording is held to the model like every other, and each lowered trace
// to the review's counterexample of the cell it is named after: the review's counterexamples
// are deterministic for its seed and runs (verdicts.ts), so when the model or the generators
// change one, this says which recording is stale.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTrace, type Trace } from "../model/trace.ts";
import { configOrThrow, onDisk, type Config } from "../model/config.ts";
import { containerdVariants } from "../model/variants/containerd.ts";
import { properties } from "../properties/invariants.ts";
import { ScenarioCache, checkProperty } from "../properties/check-property.ts";
import { loadTrace, traceFiles, tracesFor } from "../properties/trace-files.ts";
import { sharedVerdictRuns, verdictRuns, verdictSeed } from "../properties/verdicts.ts";
import { lowerTrace } from "../properties/lower.ts";
import { counterexampleName } from "../cli/counterexample-trace.ts";
import { counterexampleRecordings, counterexampleTraces } from "../cli/report/daemon.ts";
import { isClean, judge } from "./known-differences.ts";
import { runLabel, type Recording } from "./recordings.ts";
import { heldToModel } from "./schedules.ts";

function readTrace(path: string): Trace {
  const parsed = parseTrace(readFileSync(path, "utf8"));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.trace;
}

const lowered = containerdVariants.flatMap(({ name: variant }) => {
  const dir = counterexampleTraces(variant);
  return (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : []).map((file) => {
    const trace = readTrace(`${dir}/${file}`);
    return { variant, name: file.replace(/\.json$/, ""), trace, layout: trace.disk ?? "split", recording: `${counterexampleRecordings("1.6", variant)}/${file}` };
  });
});

const knownTraces = traceFiles(new URL("../traces", import.meta.url).pathname).map(loadTrace);
/** One scenario cache per configuration and layout, as compare keeps one per job: cells of one configuration share their runs. */
const caches = new Map<string, ScenarioCache>();
const cacheFor = (config: Config) => caches.get(`${config.name}/${config.disk.layout}`) ?? caches.set(`${config.name}/${config.disk.layout}`, new ScenarioCache(config)).get(`${config.name}/${config.disk.layout}`)!;

describe("the review's counterexamples on the variants' patched daemons", () => {
  it("has lowered counterexamples only of variants the model knows, each with its recording, and no recording without its trace", () => {
    const known = containerdVariants.map((v) => v.name);
    expect(readdirSync(new URL("../traces/counterexamples/", import.meta.url)).filter((d) => !known.includes(d as (typeof known)[number]))).toEqual([]);
    expect(lowered.length).toBeGreaterThan(0);
    for (const l of lowered) expect(existsSync(l.recording), `${l.variant}/${l.name}: no recording at ${l.recording}`).toBe(true);
    for (const { name: variant } of containerdVariants) {
      const dir = counterexampleRecordings("1.6", variant);
      const orphans = (existsSync(dir) ? readdirSync(dir) : []).filter((f) => !lowered.some((l) => l.variant === variant && `${l.name}.json` === f));
      expect(orphans, `${variant}: recordings without a lowered trace`).toEqual([]);
    }
  });

  it.each(lowered)("$variant: $name: every field agrees or is a listed finding", ({ variant, name, trace, layout, recording }) => {
    expect(trace.config?.startsWith(`${variant}/`)).toBe(true);
    const real = JSON.parse(readFileSync(recording, "utf8")) as Recording;
    const config = onDisk(configOrThrow(trace.config!), layout);
    const { judged } = heldToModel(trace.events, "1.6", real.loadOrders, config, real, (fields) => judge(runLabel("1.6", variant, layout), name, fields), isClean);
    const { unexpected, stale } = judged;
    expect(unexpected).toEqual([]);
    expect(stale).toEqual([]);
  });

  it.each(lowered)("$variant: $name: is the review's counterexample of its cell, lowered (else re-record)", ({ name, trace, layout }) => {
    const config = onDisk(configOrThrow(trace.config!), layout);
    const suffix = `${layout === "shared" ? "-shared" : ""}-lowered`;
    const property = properties.find((p) => `${counterexampleName(config.name, p)}${suffix}` === name);
    expect(property, `${name} names no cell of ${config.name}`).toBeDefined();
    // As the review (compare) runs the cell: its known traces first, then its runs per cell, its seed.
    const cell = checkProperty(cacheFor(config), property!, {
      runs: layout === "shared" ? sharedVerdictRuns : verdictRuns,
      seed: verdictSeed,
      examples: tracesFor(layout, knownTraces, "1.6"),
    });
    expect(cell.verdict, `${name}: the review's cell holds now: its recording is stale`).toBe("violated");
    if (cell.verdict !== "violated") return;
    const now = lowerTrace({ name: "counterexample", description: "", events: cell.counterexample.events }, config, name).trace.events;
    expect(now, `${name}: the review's counterexample lowers to other calls now: re-record it`).toEqual(trace.events);
  });
});
