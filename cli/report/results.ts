// The results of a design review: every configuration's verdict on every property next to the
// expected one (properties/verdicts.ts), with the shortest counterexample of each violation.
// This is what results.json holds, so it is built in a fixed order (configurations as
// allConfigs(), properties as design.md) and holds nothing that changes between two runs
// with the same seed: no timings, no dates, no absolute paths.
import type { Event } from "../../model/events.ts";
import { configOrThrow } from "../../model/config.ts";
import type { Property } from "../../properties/invariants.ts";
import type { ContainerdVariantName } from "../../model/variants/containerd.ts";
import type { KubeletVariantName } from "../../model/variants/kubelet.ts";
import { expectedCell } from "../../properties/verdicts.ts";
import { counterexampleName } from "../counterexample-trace.ts";
import type { ConfigVerdicts } from "./check-config.ts";
import { variantCosts, type VariantCosts } from "./costs.ts";
import type { PatchSize } from "./patch-size.ts";

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
}

export interface ConfigResults {
  config: string;
  containerd: ContainerdVariantName;
  kubelet: KubeletVariantName;
  cells: Cell[];
}

export interface Results {
  seed: number;
  /** Random scenarios per cell. */
  runs: number;
  /** Names of the known traces run first in every cell. */
  knownTraces: string[];
  configs: ConfigResults[];
  /** What each containerd variant costs (costs.ts), in the variants' order. */
  costs: VariantCosts[];
}

export function buildResults(
  seed: number,
  runs: number,
  knownTraces: string[],
  checked: readonly ConfigVerdicts[],
  patches: (variant: ContainerdVariantName) => PatchSize,
): Results {
  const configs = checked.map(({ config, verdicts }) => {
    const { containerd, kubelet } = configOrThrow(config);
    const cells = verdicts.map((v): Cell => {
      // An unknown variant throws in configOrThrow; a known one has its cell, or would not compile.
      const expected = expectedCell(containerd.name, kubelet.name, v.property);
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
          file: `traces/${counterexampleName(config, v.property)}.json`,
          events: c.events,
        },
      };
    });
    return { config, containerd: containerd.name, kubelet: kubelet.name, cells };
  });
  return { seed, runs, knownTraces, configs, costs: variantCosts(checked, patches) };
}

export interface Located {
  config: ConfigResults;
  cell: Cell;
}

function allCells(results: Results): Located[] {
  return results.configs.flatMap((config) => config.cells.map((cell) => ({ config, cell })));
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

/** A matrix cell: "holds", or "✗ N" for a violation whose shortest trace has N events; "≠" marks a difference from the table. */
export function cellLabel(cell: Cell): string {
  return `${cell.counterexample ? `✗ ${cell.counterexample.events.length}` : "holds"}${cell.verdict !== cell.expected ? " ≠" : ""}`;
}

export const legend = "✗ N: violated, the shortest trace found has N events; ≠: differs from the expected table (properties/verdicts.ts)";

export function resultsJson(results: Results): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}
