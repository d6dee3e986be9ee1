// The model against what the patched daemons did on the crash-point traces (issue 14 item 5):
// containerd SIGKILLed while a call is held at a TEST-ONLY hook (crash-points.ts), so only
// --variant builds run them, baseline-from-source included. Recorded on every variant's build by
//   restart-sim conformance --variant all traces/crash-*.json --record DIR   (as root)
// with DIR/<variant>/<trace>.json moved to recorded/<variant>/crash-points/ (the packaged
// daemon's recordings are recorded/baseline/ itself, and it cannot run these). Each restart is
// replayed in the order the daemon loaded (recordings.ts: eventsAsRun); differences are
// findings, listed in known-differences.ts under the variant and the trace's name. The shared
// layout's (--disk shared, as CI runs short-term and keep-task-release-name) are one dir further
// down, recorded/<variant>/crash-points/shared/, held to the model on that layout.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTrace, type Trace } from "../model/trace.ts";
import { configOrThrow, onDisk } from "../model/config.ts";
import { diskLayouts } from "../model/disk.ts";
import { replay } from "../properties/replay.ts";
import { compareObservations } from "./compare.ts";
import { judge } from "./known-differences.ts";
import { eventsAsRun, runLabel, type Recording } from "./recordings.ts";
import { needsTestHooks } from "./run-trace.ts";
import { crashCalls, pointsOf } from "../model/cri/crash.ts";
import { containerdVariants } from "../model/variants/containerd.ts";

const dir = new URL("./recorded/", import.meta.url);
const traces = new URL("../traces/", import.meta.url);

function readTrace(name: string): Trace {
  const parsed = parseTrace(readFileSync(new URL(`${name}.json`, traces), "utf8"));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.trace;
}

const crashTraces = readdirSync(traces)
  .filter((f) => /^crash-.*\.json$/.test(f))
  .map((f) => f.replace(/\.json$/, ""))
  .sort();

const recorded = readdirSync(dir)
  .sort()
  .flatMap((variant) =>
    diskLayouts.flatMap((layout) => {
      const under = new URL(`${variant}/crash-points/${layout === "split" ? "" : `${layout}/`}`, dir);
      if (!existsSync(under)) return [];
      return readdirSync(under)
        .filter((f) => f.endsWith(".json"))
        .map((f) => ({ variant, layout, label: runLabel("1.6", variant, layout), name: f.replace(/\.json$/, ""), observation: new URL(f, under) }))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
    }),
  );

describe("model vs the patched daemons on crash points", () => {
  it("has a trace of every crash point, each recorded on every variant's build", () => {
    // Every point of model/cri/crash.ts has its trace.
    expect(crashTraces.filter((t) => !t.endsWith("-first-restart"))).toEqual(crashCalls.flatMap((call) => pointsOf(call).map((at) => `crash-${call}-${at}`)).sort());
    const calls = new Set(crashTraces.map((t) => t.split("-")[1]));
    expect([...calls].sort()).toEqual(["createContainer", "removeContainer", "removePodSandbox", "runPodSandbox", "startContainer", "stopContainer", "stopPodSandbox"]);
    for (const { name: variant } of containerdVariants) expect(recorded.filter((r) => r.variant === variant && r.layout === "split").map((r) => r.name), variant).toEqual(crashTraces);
    for (const variant of ["short-term", "keep-task-release-name"]) expect(recorded.filter((r) => r.variant === variant && r.layout === "shared").map((r) => r.name), `${variant}/shared`).toEqual(crashTraces);
    for (const name of crashTraces) expect(needsTestHooks(readTrace(name)), name).toMatch(/crashAt/);
  });

  it.each(recorded)("$label: $name: every field agrees or is a listed finding", ({ variant, layout, label, name, observation }) => {
    const real = JSON.parse(readFileSync(observation, "utf8")) as Recording;
    const model = replay(eventsAsRun(readTrace(name).events, "1.6", real.loadOrders), onDisk(configOrThrow(`${variant}/99748`), layout), { log: false }).observation;
    const { unexpected, stale } = judge(label, name, compareObservations(model, real));
    expect(unexpected).toEqual([]);
    expect(stale).toEqual([]);
  });
});
