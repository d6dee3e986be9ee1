// The results of a design review: every configuration's verdict on every property next to the
// expected one (properties/verdicts.ts), with the shortest counterexample of each violation.
// This is what results.json holds, so it is built in a fixed order (configurations as
// allConfigs(), properties as design.md) and holds nothing that changes between two runs
// with the same seed: no timings, no dates, no absolute paths.
import { recommendationRecord } from "./recommendation.ts";
import type { Event } from "../../model/events.ts";
import { configOrThrow } from "../../model/config.ts";
import type { DiskLayout } from "../../model/disk.ts";
import { defaultRelease, type ContainerdReleaseName } from "../../model/releases.ts";
import type { Property } from "../../properties/invariants.ts";
import type { ContainerdVariantName } from "../../model/variants/containerd.ts";
import type { KubeletVariantName } from "../../model/variants/kubelet.ts";
import { expectedCell } from "../../properties/verdicts.ts";
import { counterexampleName } from "../counterexample-trace.ts";
import type { ConfigVerdicts } from "./check-config.ts";
import { variantCosts, type VariantCosts } from "./costs.ts";
import type { PatchSize } from "./patch-size.ts";
import type { CellOnDaemon, DaemonRecord } from "./daemon.ts";

export type Verdict = "holds" | "violated";

export interface ReportCounterexample {
  /** Index of the event at which the property breaks. */
  event: number;
  message: string;
  /** The known trace it came from, or the fast-check seed and path that find it again. */
  trace: string | null;
  seed: number | null;
  path: string | null;
  /** The counterexample as a trace file, relative to the report directory. */
  file: string;
  events: Event[];
}

export interface Cell {
  property: Property;
  verdict: Verdict;
  /** The verdict table's verdict and reason (the table has a cell for every configuration). */
  expected: Verdict;
  why: string;
  /** Scenarios run: known traces plus random ones (fewer when a violation stopped the run). */
  runs: number;
  counterexample: ReportCounterexample | null;
  /** What the variant's real daemon showed (daemon.ts: withDaemons); absent until the recordings are read. */
  daemon?: CellOnDaemon;
}

export interface ConfigResults {
  config: string;
  /** Set on the shared layout's matrix only. */
  disk?: "shared";
  containerd: ContainerdVariantName;
  kubelet: KubeletVariantName;
  cells: Cell[];
}

/** One layout's matrix: the same configurations and properties. */
export interface Matrix {
  /** Random scenarios per cell. */
  runs: number;
  /** Names of the known traces run first in every cell. */
  knownTraces: string[];
  configs: ConfigResults[];
}

/** The split layout's matrix at the top level (as before the layouts), the shared one beside it. */
export interface Results extends Matrix {
  seed: number;
  /** What each containerd variant costs (costs.ts) over the top-level matrix's scenarios, in the variants' order. */
  costs: VariantCosts[];
  /** Set when the review ran on a containerd release other than 1.6 (compare --containerd). */
  containerd?: ContainerdReleaseName;
  /** The same review with containerd's whole root on one filesystem (--disk shared). */
  shared?: Matrix;
  /** Each variant's real daemon per layout: the known traces that ran clean there (daemon.ts: withDaemons). */
  daemons?: DaemonRecord[];
}

/** One layout's review; `patches` gives each containerd variant's patch size for its costs. */
export function buildResults(
  seed: number,
  runs: number,
  knownTraces: string[],
  checked: readonly ConfigVerdicts[],
  patches: (variant: ContainerdVariantName) => PatchSize,
  disk: DiskLayout = "split",
  release: ContainerdReleaseName = defaultRelease.name,
): Results {
  const onRelease = release === defaultRelease.name ? {} : { containerd: release };
  // As counterexampleTrace names the trace file.
  const suffix = `${disk === "shared" ? "-shared" : ""}${release === defaultRelease.name ? "" : `-${release}`}`;
  const configs = checked.map(({ config, verdicts }) => {
    const { containerd, kubelet } = configOrThrow(config);
    const cells = verdicts.map((v): Cell => {
      // An unknown variant throws in configOrThrow; a known one has its cell, or would not compile.
      const expected = expectedCell(containerd.name, kubelet.name, v.property, disk, release);
      const c = v.verdict === "violated" ? v.counterexample : null;
      return {
        property: v.property,
        verdict: v.verdict,
        expected: expected.verdict,
        why: expected.why,
        runs: v.runs,
        counterexample: c && {
          event: c.event,
          message: c.message,
          trace: c.trace,
          seed: c.seed,
          path: c.path,
          file: `traces/${counterexampleName(config, v.property)}${suffix}.json`,
          events: c.events,
        },
      };
    });
    return { config, ...(disk === "shared" ? { disk } : {}), containerd: containerd.name, kubelet: kubelet.name, cells };
  });
  return { seed, ...onRelease, runs, knownTraces, configs, costs: variantCosts(checked, patches) };
}

/** The split layout's review with the shared layout's matrix beside it; the costs stay the split layout's. */
export function withShared(split: Results, shared: Matrix): Results {
  return { ...split, shared: { runs: shared.runs, knownTraces: shared.knownTraces, configs: shared.configs } };
}

/** A cell the verdict table judges differently on the review's release than on 1.6. */
export interface ReleaseDifference extends Located {
  /** The table's verdict on 1.6. */
  on16: Verdict;
}

/** Where the table expects another verdict on the review's release than on 1.6 (issue 18's question), with what the run found. */
export function releaseDifferences(results: Results): ReleaseDifference[] {
  if (!results.containerd) return [];
  return allCells(results).flatMap(({ config, cell }) => {
    const on16 = expectedCell(config.containerd, config.kubelet, cell.property, config.disk ?? "split").verdict;
    return on16 === cell.expected ? [] : [{ config, cell, on16 }];
  });
}

/** A configuration's name with its layout when it is not the default one. */
export function configLabel(config: ConfigResults): string {
  return config.disk ? `${config.config} (disk ${config.disk})` : config.config;
}

/** A cell whose verdict is not the same on both layouts. */
export interface LayoutDifference {
  config: string;
  property: Property;
  split: Cell;
  shared: Cell;
}

/** Where the shared layout's verdicts differ from the split layout's (the review's question for issue 12). */
export function layoutDifferences(results: Results): LayoutDifference[] {
  return (results.shared?.configs ?? []).flatMap((row) => {
    const split = results.configs.find((c) => c.config === row.config);
    return row.cells.flatMap((shared) => {
      const cell = split?.cells.find((c) => c.property === shared.property);
      return cell && cell.verdict !== shared.verdict ? [{ config: row.config, property: shared.property, split: cell, shared }] : [];
    });
  });
}

export interface Located {
  config: ConfigResults;
  cell: Cell;
}

/** Every cell of both layouts' matrices. */
function allCells(results: Results): Located[] {
  return [...results.configs, ...(results.shared?.configs ?? [])].flatMap((config) => config.cells.map((cell) => ({ config, cell })));
}

/** Cells whose verdict is not the expected one: findings, or a run too short to find a bug. */
export function differences(results: Results): Located[] {
  return allCells(results).filter(({ cell }) => cell.verdict !== cell.expected);
}

export interface Violation extends Located {
  counterexample: ReportCounterexample;
}

export function violations(results: Results): Violation[] {
  return allCells(results).flatMap((l) => (l.cell.counterexample ? [{ ...l, counterexample: l.cell.counterexample }] : []));
}

/**
 * The split layout's violation of the same cell, when the shared layout's has the very same
 * counterexample (a known trace, mostly): a page shows it once.
 */
export function splitTwin(results: Results, v: Violation): Violation | null {
  if (!v.config.disk) return null;
  const row = results.configs.find((c) => c.config === v.config.config);
  const cell = row?.cells.find((c) => c.property === v.cell.property);
  const c = cell?.counterexample;
  if (!row || !cell || !c || c.event !== v.counterexample.event || JSON.stringify(c.events) !== JSON.stringify(v.counterexample.events)) return null;
  return { config: row, cell, counterexample: c };
}

/** Every violation of both matrices but those the split matrix already shows. */
export function distinctViolations(results: Results): Violation[] {
  return violations(results).filter((v) => splitTwin(results, v) === null);
}

/** What a differing cell means, in one sentence. */
export function describeDifference({ cell }: Located): string {
  const found = cell.verdict === "violated" ? `violated: ${cell.counterexample?.message}` : `held after ${cell.runs} scenarios`;
  return cell.verdict === "violated"
    ? `expected to hold (${cell.why}), but ${found}`
    : `expected violated (${cell.why}), but ${found}: not reproduced (try more --runs?)`;
}

/** What the verdict table says about a violated cell. */
export function expectationSentence(cell: Cell): string {
  return cell.expected === "violated" ? `Why: ${cell.why}.` : `Not expected: the verdict table says this holds (${cell.why}).`;
}

/** The mark of a cell whose counterexample ran on the variant's daemon: reproduced, or not. */
const daemonMark = { reproduced: " ●", differed: " ○" } as const;

/** A matrix cell: "holds", or "✗ N" for a violation whose shortest trace has N events; "≠" marks a difference from the table, ● ○ the daemon's run. */
export function cellLabel(cell: Cell): string {
  const result = cell.daemon?.result;
  const mark = result === "reproduced" || result === "differed" ? daemonMark[result] : "";
  return `${cell.counterexample ? `✗ ${cell.counterexample.events.length}` : "holds"}${mark}${cell.verdict !== cell.expected ? " ≠" : ""}`;
}

export const legend =
  "✗ N: violated, the shortest trace found has N events; ● reproduced on the variant's real daemon (lowered to CRI calls), ○ ran there and differed; ≠: differs from the expected table (properties/verdicts.ts)";

export function resultsJson(results: Results): string {
  return `${JSON.stringify({ ...results, recommendation: recommendationRecord(results) }, null, 2)}\n`;
}
