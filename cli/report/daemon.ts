// What each containerd variant's real daemon showed, beside the review's cells (issue 11 item
// 5). Read from what `restart-sim conformance --record` kept, so the review needs no root:
// - the known traces, recorded per variant and layout (conformance/recorded/<variant>/,
//   recordings.ts), each held to the model under that variant as npm test holds it;
// - the review's shortest counterexamples, lowered to CRI calls (`restart-sim lower`) and
//   committed as traces/counterexamples/<variant>/<cell>-lowered.json, recorded beside the
//   known traces' recordings in conformance/recorded/<variant>/counterexamples/ (held by
//   conformance/recorded-counterexamples.test.ts, which also says when one is stale).
// A violated cell is matched to a recording by what its counterexample lowers to today, so a
// counterexample that changed finds no recording rather than an old one.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { Event } from "../../model/events.ts";
import { configOrThrow, onDisk, onRelease, type Config } from "../../model/config.ts";
import type { DiskLayout } from "../../model/disk.ts";
import { releaseOf, type ContainerdReleaseName } from "../../model/releases.ts";
import { parseTrace, type Trace } from "../../model/trace.ts";
import { lowerTrace } from "../../properties/lower.ts";
import { unsupportedEvents } from "../../conformance/run-trace.ts";
import { isClean, judge } from "../../conformance/known-differences.ts";
import { heldToModel } from "../../conformance/schedules.ts";
import { recordedDir, type Release } from "../../conformance/containerd-1.7.ts";
import { recordingDir, runLabel, type Recording } from "../../conformance/recordings.ts";
import type { Cell, ConfigResults, Results } from "./results.ts";

/** What a cell's variant's daemon showed. `on` names the daemon: "containerd 1.6.20 + short-term". */
export type CellOnDaemon =
  /** The cell's counterexample, lowered, ran on the daemon: every field as the model says (reproduced), or these fields not. */
  | { on: string; result: "reproduced"; trace: string }
  | { on: string; result: "differed"; trace: string; fields: string[] }
  /** A violated cell whose lowered counterexample the harness cannot run, and why (the first such event). */
  | { on: string; result: "not run"; event: string; why: string }
  /** A violated cell whose lowered counterexample could run but has no recording (new, or the counterexample changed). */
  | { on: string; result: "not recorded" }
  /** A cell that holds: how many of the variant's known traces ran clean on its daemon in this layout (named in Results.daemons), and those that did not. */
  | { on: string; result: "held"; ranClean: number; differed: string[] };

/** A variant's daemon in one layout: the known traces that ran clean on it, and those that differed with their fields. */
export interface DaemonRecord {
  variant: string;
  layout: DiskLayout;
  on: string;
  ranClean: string[];
  differed: { trace: string; fields: string[] }[];
}

/** One recording held to the model: clean, or the fields that differ (listed findings included). */
export interface DaemonRun {
  trace: string;
  /** The trace file, relative to the repository (traces/... ). */
  file: string;
  layout: DiskLayout;
  fields: string[];
  /** The lowered trace's events: how a violated cell finds its run. Known traces: null. */
  lowered: Event[] | null;
}

const repo = fileURLToPath(new URL("../../", import.meta.url));
const recorded = join(repo, "conformance/recorded");

/** The committed lowered counterexamples of a variant, and where their recordings go. */
export function counterexampleTraces(variant: string): string {
  return join(repo, "traces/counterexamples", variant);
}

export function counterexampleRecordings(release: Release, variant: string): string {
  return join(recorded, recordedDir(release, variant), "counterexamples");
}

/** A daemon's name for a reader: the packaged (or as-packaged) containerd, or a variant's patched build. */
export function daemonName(release: ContainerdReleaseName, variant: string): string {
  const { version } = releaseOf(release);
  return variant === "baseline" ? `containerd ${version}` : `containerd ${version} + ${variant}`;
}

function readTrace(path: string): Trace {
  const parsed = parseTrace(readFileSync(path, "utf8"));
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error}`);
  return parsed.trace;
}

const jsonFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : []);

/** A recording held to the model under `config`, as conformance and npm test hold it: the fields that differ, listed or not. */
function hold(events: readonly Event[], recording: Recording, config: Config, release: Release, variant: string, layout: DiskLayout, trace: string): string[] {
  const label = runLabel(release, variant, layout);
  const held = heldToModel(events, release, recording.loadOrders, config, recording, (fields) => judge(label, trace, fields), isClean);
  return held.fields.filter((f) => f.verdict === "disagree").map((f) => f.field);
}

/**
 * Every recording of `variant` on `release`: the known traces in both layouts (recordings.ts;
 * the crash-point traces under crash-points/, the slow-call ones lowered beside their
 * recordings under slow-calls/, as their tests hold them), then the lowered counterexamples.
 */
export function daemonRuns(variant: string, release: Release): DaemonRun[] {
  const base = join(recorded, recordedDir(release, variant));
  /** A recording in `dir` held to the model under the variant: its trace at `tracePath` (relative to the repository; CRI calls only, so the kubelet half does not matter). */
  const run = (dir: string, file: string, tracePath: string, layout: DiskLayout, lowered: boolean): DaemonRun => {
    const name = file.replace(/\.json$/, "");
    const trace = readTrace(join(repo, tracePath));
    const recording = JSON.parse(readFileSync(join(dir, file), "utf8")) as Recording;
    const config = onRelease(onDisk(configOrThrow(`${variant}/99748`), layout), releaseOf(release));
    return { trace: name, file: tracePath, layout, fields: hold(trace.events, recording, config, release, variant, layout, name), lowered: lowered ? trace.events : null };
  };
  const layouts = ["split", "shared"] as const;
  const known = layouts.flatMap((layout) => {
    const dir = join(recorded, recordingDir(release, variant, layout));
    const crash = join(base, "crash-points", layout === "split" ? "" : layout);
    return [...jsonFiles(dir).map((f) => run(dir, f, `traces/${f}`, layout, false)), ...jsonFiles(crash).map((f) => run(crash, f, `traces/${f}`, layout, false))];
  });
  const slow = join(base, "slow-calls");
  const slowCalls = jsonFiles(slow)
    .filter((f) => !f.endsWith(".trace.json"))
    .map((f) => run(slow, f, `conformance/recorded/${recordedDir(release, variant)}/slow-calls/${f.replace(/\.json$/, ".trace.json")}`, "split", false));
  const cx = counterexampleRecordings(release, variant);
  const lowered = jsonFiles(cx).flatMap((f) => {
    const path = `traces/counterexamples/${variant}/${f}`;
    if (!existsSync(join(repo, path))) return [];
    return [run(cx, f, path, readTrace(join(repo, path)).disk ?? "split", true)];
  });
  return [...known, ...slowCalls, ...lowered];
}

/** What the cell's variant's daemon showed for it. */
export function cellOnDaemon(config: ConfigResults, cell: Cell, runs: readonly DaemonRun[], release: ContainerdReleaseName): CellOnDaemon {
  const on = daemonName(release, config.containerd);
  const layout = config.disk ?? "split";
  const here = runs.filter((r) => r.layout === layout);
  const c = cell.counterexample;
  if (!c) {
    const known = here.filter((r) => r.lowered === null);
    return { on, result: "held", ranClean: known.filter((r) => r.fields.length === 0).length, differed: known.filter((r) => r.fields.length > 0).map((r) => r.trace) };
  }
  const modelConfig = onRelease(onDisk(configOrThrow(config.config), layout), releaseOf(release));
  const { trace } = lowerTrace({ name: "counterexample", description: "", events: c.events }, modelConfig, c.file);
  const lowered = JSON.stringify(trace.events);
  const run = here.find((r) => r.lowered !== null && JSON.stringify(r.lowered) === lowered);
  if (run) return run.fields.length === 0 ? { on, result: "reproduced", trace: run.file } : { on, result: "differed", trace: run.file, fields: run.fields };
  const [cannot] = unsupportedEvents(trace);
  return cannot ? { on, result: "not run", event: cannot.type, why: `event ${cannot.index}: ${cannot.why}` } : { on, result: "not recorded" };
}

/** The results with every cell's `daemon` set, and `daemons`, from the recordings of each variant on the review's release. */
export function withDaemons(results: Results): Results {
  const release = (results.containerd ?? "1.6") as Release;
  const runs = new Map<string, DaemonRun[]>();
  const runsOf = (variant: string) => runs.get(variant) ?? runs.set(variant, daemonRuns(variant, release)).get(variant)!;
  // A variant with no recording on this release (long-term has no 1.7 port) says nothing.
  const annotate = (configs: ConfigResults[]) =>
    configs.map((config) => {
      const recorded = runsOf(config.containerd);
      return recorded.length === 0 ? config : { ...config, cells: config.cells.map((cell) => ({ ...cell, daemon: cellOnDaemon(config, cell, recorded, release) })) };
    });
  const rows = [...results.configs, ...(results.shared?.configs ?? [])].filter((r) => runsOf(r.containerd).length > 0);
  const daemons = [...new Set(rows.map((r) => `${r.containerd}\u0000${r.disk ?? "split"}`))].map((key): DaemonRecord => {
    const [variant, layout] = key.split("\u0000") as [string, DiskLayout];
    const known = runsOf(variant).filter((r) => r.lowered === null && r.layout === layout);
    return {
      variant,
      layout,
      on: daemonName(release, variant),
      ranClean: known.filter((r) => r.fields.length === 0).map((r) => r.trace),
      differed: known.filter((r) => r.fields.length > 0).map((r) => ({ trace: r.trace, fields: r.fields })),
    };
  });
  return {
    ...results,
    configs: annotate(results.configs),
    ...(results.shared ? { shared: { ...results.shared, configs: annotate(results.shared.configs) } } : {}),
    daemons,
  };
}

/** Per layout, the daemon's record of one variant in a sentence: known traces clean, counterexamples reproduced, what could not run. */
export function daemonSentence(rows: readonly ConfigResults[]): string | null {
  const cells = rows.flatMap((row) => row.cells.flatMap((cell) => (cell.daemon ? [{ layout: row.disk ?? "split", daemon: cell.daemon }] : [])));
  const [first] = cells;
  if (!first) return null;
  const layouts = [...new Set(cells.map((c) => c.layout))].map((layout) => {
    const here = cells.filter((c) => c.layout === layout).map((c) => c.daemon);
    const held = here.find((d) => d.result === "held");
    const known = held ? `${held.ranClean} known trace(s) ran clean${held.differed.length > 0 ? `, ${held.differed.join(", ")} differed` : ""}` : null;
    const ran = (result: "reproduced" | "differed") => new Set(here.flatMap((d) => (d.result === result ? [d.trace] : [])));
    const reproduced = here.filter((d) => d.result === "reproduced").length;
    const differed = here.filter((d) => d.result === "differed").length;
    const lowered = [
      reproduced > 0 ? `${ran("reproduced").size} lowered counterexample(s) reproduced (${reproduced} cell(s))` : null,
      differed > 0 ? `${ran("differed").size} lowered counterexample(s) differed (${differed} cell(s): ${[...new Set(here.flatMap((d) => (d.result === "differed" ? d.fields : [])))].join(", ")})` : null,
    ];
    const notRun = new Map<string, number>();
    for (const d of here) if (d.result === "not run") notRun.set(d.event, (notRun.get(d.event) ?? 0) + 1);
    const cannot = notRun.size > 0 ? `${[...notRun.values()].reduce((a, b) => a + b)} cell(s) cannot run there (${[...notRun].map(([event, n]) => `${event} ${n}`).join(", ")})` : null;
    const missing = here.filter((d) => d.result === "not recorded").length;
    const parts = [known, ...lowered, cannot, missing > 0 ? `${missing} cell(s) not recorded yet` : null].filter((p) => p !== null);
    return `${layout} layout: ${parts.join("; ")}`;
  });
  const ran = cells.some((c) => c.daemon.result === "reproduced" || c.daemon.result === "differed");
  const where = ran ? ` (lowered counterexamples: traces/counterexamples/${rows[0]!.containerd}/)` : "";
  return `on ${first.daemon.on}${where}: ${layouts.join("; ")}`;
}
