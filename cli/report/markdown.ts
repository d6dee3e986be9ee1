// report.md: the design review for pasting into a pull request: the matrix and the costs as
// tables, what goes wrong with each variant and what it costs, the shared disk layout's matrix
// and where it differs, and every violation's shortest trace as a numbered event list
// (numbered from 0 like `replay`'s timeline) with the command that replays it.
import { properties } from "../../properties/invariants.ts";
import { describeEvent } from "../timeline.ts";
import type { VariantFindings } from "./findings.ts";
import { costCells, costColumns, costsLegend } from "./costs.ts";
import { recommendationSection } from "./recommendation.ts";
import {
  cellLabel,
  configLabel,
  describeDifference,
  differences,
  expectationSentence,
  layoutDifferences,
  legend,
  releaseDifferences,
  violations,
  type Matrix,
  type Results,
  type Violation,
} from "./results.ts";
import { groupLayoutDifferences } from "./terminal.ts";

/**
 * Free text in markdown: characters that would start emphasis, a link, HTML or a table cell
 * are escaped; `_` only at a word's edge, the one place it starts emphasis, so that names like
 * c_p_default_uid-p_0 stay readable in the raw text.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*[\]<>|]|(?<!\w)_|_(?!\w)/g, (c) => `\\${c}`);
}

/** A code span that holds any text: its fence is longer than any backtick run inside. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return longest === 0 ? `${fence}${text}${fence}` : `${fence} ${text} ${fence}`;
}

function matrix(results: Matrix): string[] {
  return [
    `| configuration | ${properties.join(" | ")} |`,
    `|---|${properties.map(() => "---").join("|")}|`,
    ...results.configs.map((c) => `| ${code(c.config)} | ${c.cells.map(cellLabel).join(" | ")} |`),
    "",
    `${legend}.`,
  ];
}

function costsTable(results: Results): string[] {
  return [
    `| ${costColumns.join(" | ")} |`,
    `|---|${costColumns.slice(1).map(() => "---:").join("|")}|`,
    ...results.costs.map((c) => {
      const [variant, ...cells] = costCells(c);
      return `| ${code(variant!)} | ${cells.join(" | ")} |`;
    }),
    "",
    costsLegend,
  ];
}

function findingsList(findings: VariantFindings[]): string[] {
  return findings.flatMap((f) => [
    `- **${f.variant}** (${escapeMarkdown(f.summary)}): ${f.problems.length === 0 ? "holds every property" : ""}`.trimEnd(),
    ...f.problems.map((p) => `  - ${p.property}: ${escapeMarkdown(p.text)}`),
    ...(f.costs === null ? [] : [`  - costs: ${escapeMarkdown(f.costs)}`]),
    ...(f.daemon === null ? [] : [`  - ${escapeMarkdown(f.daemon)}`]),
  ]);
}

/**
 * `shown` maps each trace already listed to its section's title: a trace that several
 * configurations share (a known trace, mostly) is listed once, so that the report stays short
 * enough for a pull request.
 */
function violationSection(v: Violation, command: string, shown: Map<string, string>): string[] {
  const c = v.counterexample;
  const title = `${configLabel(v.config)} · ${v.cell.property}`;
  const key = JSON.stringify([c.event, c.events]);
  const earlier = shown.get(key);
  if (earlier === undefined) shown.set(key, title);
  const origin = c.trace ? `the known trace ${code(c.trace)}` : `fast-check seed ${c.seed}, path ${code(c.path ?? "")}`;
  return [
    `### ${title}${daemonMark(v.cell)}`,
    "",
    `✗ ${escapeMarkdown(c.message)}`,
    "",
    `${escapeMarkdown(expectationSentence(v.cell))} Found by ${origin}.`,
    "",
    ...(earlier !== undefined
      ? [`The same ${c.events.length} events as ${earlier}.`]
      : c.events.map((e, i) => `${i}. ${code(describeEvent(e))}${i === c.event ? ` ← **${v.cell.property} breaks here**` : ""}`)),
    "",
    `Replay: ${code(command)}`,
    "",
  ];
}

/**
 * The daemon's run of a counterexample, kept short for a pull request: only the title's mark
 * (the legend says it); the variant's line says where the lowered traces are, which fields
 * differed and what could not run.
 */
function daemonMark(cell: Violation["cell"]): string {
  const d = cell.daemon;
  return d?.result === "reproduced" ? " ●" : d?.result === "differed" ? " ○" : "";
}

/** The shared disk layout's matrix and the cells it judges differently from the split layout. */
function sharedSection(results: Results): string[] {
  const shared = results.shared;
  if (!shared) return [];
  const differing = layoutDifferences(results);
  return [
    "## The shared disk layout",
    "",
    `The same review with containerd's whole root on one filesystem, as in production (${code("--disk shared")}): a task delete or a status file's rename frees blocks that a later write takes. The matrix above is the split layout (the CRI plugin's directory on its own filesystem, as the conformance harness runs it). The ${shared.knownTraces.length} known traces, then ${shared.runs} random scenarios per cell, including restarts whose container loads run in parallel.`,
    "",
    ...matrix(shared),
    "",
    differing.length === 0
      ? "Every cell has the same verdict on both layouts."
      : [
          `**${differing.length} cell(s) differ between the layouts:**`,
          "",
          ...groupLayoutDifferences(differing).map((g) => `- ${g.property} on ${g.configs.map(code).join(", ")}: ${escapeMarkdown(g.text)}`),
        ].join("\n"),
    "",
  ];
}

/** On a release other than 1.6: which cells the table judges differently there, and why. */
function releaseSection(results: Results): string[] {
  if (!results.containerd) return [];
  const differing = releaseDifferences(results);
  return [
    `## On containerd ${results.containerd}`,
    "",
    `This review ran on containerd ${results.containerd} (${code(`--containerd ${results.containerd}`)}, model/releases.ts). ${differing.length} cell(s) of the table differ from 1.6:`,
    "",
    ...differing.map((d) => `- ${configLabel(d.config)} ${d.cell.property}: 1.6 ${d.on16}, ${results.containerd} ${d.cell.expected} (found ${d.cell.verdict}): ${escapeMarkdown(d.cell.why)}`),
    "",
  ];
}

export function renderMarkdown(results: Results, findings: VariantFindings[], command: (v: Violation) => string): string {
  const differing = differences(results);
  const found = violations(results);
  const shown = new Map<string, string>();
  return [
    "# restart-sim design review",
    "",
    `Every configuration against every property of design.md: the ${results.knownTraces.length} known traces, then ${results.runs} random scenarios per cell (fast-check seed ${results.seed}). A violation shows the shortest trace found.`,
    "",
    ...releaseSection(results),
    "## Verdicts",
    "",
    ...matrix(results),
    "",
    differing.length === 0
      ? "Every cell matches the expected table (properties/verdicts.ts)."
      : [`**${differing.length} cell(s) differ from the expected table** (properties/verdicts.ts):`, "", ...differing.map((d) => `- ${configLabel(d.config)} ${d.cell.property}: ${escapeMarkdown(describeDifference(d))}`)].join("\n"),
    "",
    ...recommendationSection(results),
    "## What each containerd variant costs",
    "",
    ...costsTable(results),
    "",
    "## What goes wrong with each containerd variant, and what it costs",
    "",
    ...findingsList(findings),
    "",
    ...sharedSection(results),
    `## Violations (${found.length})`,
    "",
    ...found.flatMap((v) => violationSection(v, command(v), shown)),
  ].join("\n");
}
