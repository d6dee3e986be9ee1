// The design review on the terminal: the matrix (a column per property, its name broken at
// the hyphens so that eight columns fit) of each disk layout, the costs table, what goes wrong
// with each variant and what it costs, where the layouts disagree, and the cells that differ
// from the expected table.
import { properties } from "../../properties/invariants.ts";
import type { VariantFindings } from "./findings.ts";
import { cellLabel, configLabel, describeDifference, differences, layoutDifferences, legend, releaseDifferences, type LayoutDifference, type Matrix, type Results } from "./results.ts";
import { costCells, costColumns } from "./costs.ts";

export function formatMatrix(results: Matrix): string {
  const headers = properties.map((p) => p.split(/(?<=-)/));
  const widths = properties.map((_, i) =>
    Math.max(...headers[i]!.map((part) => part.length), ...results.configs.map((c) => cellLabel(c.cells[i]!).length)),
  );
  const first = Math.max("configuration".length, ...results.configs.map((c) => c.config.length));
  const height = Math.max(...headers.map((h) => h.length));
  const headerRows = Array.from({ length: height }, (_, row) => {
    const label = row === height - 1 ? "configuration" : "";
    // Bottom-aligned: a name of fewer parts starts lower.
    const names = headers.map((h, i) => (h[row - (height - h.length)] ?? "").padEnd(widths[i]!));
    return [label.padEnd(first), ...names].join("  ").trimEnd();
  });
  const rule = ["-".repeat(first), ...widths.map((w) => "-".repeat(w))].join("  ");
  const rows = results.configs.map((c) => [c.config.padEnd(first), ...c.cells.map((cell, i) => cellLabel(cell).padEnd(widths[i]!))].join("  ").trimEnd());
  return [...headerRows, rule, ...rows, "", legend].join("\n");
}

/** The costs table: a row per containerd variant, columns padded to their widest cell. */
export function formatCosts(results: Results): string {
  const rows = [[...costColumns], ...results.costs.map(costCells)];
  const widths = costColumns.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

export function formatFindings(findings: VariantFindings[]): string {
  return findings
    .map((f) => {
      const costs = [...(f.costs === null ? [] : [`  costs: ${f.costs}`]), ...(f.daemon === null ? [] : [`  ${f.daemon}`])];
      if (f.problems.length === 0) return [`${f.variant}: holds every property`, ...costs].join("\n");
      return [`${f.variant}:`, ...f.problems.map((p) => `  ✗ ${p.property}: ${p.text}`), ...costs].join("\n");
    })
    .join("\n");
}

export function formatDifferences(results: Results): string {
  const differing = differences(results);
  if (differing.length === 0) return "Every cell matches the expected table (properties/verdicts.ts).";
  return [
    `${differing.length} cell(s) DIFFER from the expected table (properties/verdicts.ts):`,
    ...differing.map((d) => `  ${configLabel(d.config)} ${d.cell.property}: ${describeDifference(d)}`),
  ].join("\n");
}

/** Cells the two layouts judge differently, grouped by property and reason: which configurations, and why. */
export interface LayoutDifferenceGroup {
  property: string;
  configs: string[];
  /** The verdicts on both layouts, then why on the shared one. */
  text: string;
}

export function groupLayoutDifferences(differing: readonly LayoutDifference[]): LayoutDifferenceGroup[] {
  const groups = new Map<string, LayoutDifferenceGroup>();
  for (const d of differing) {
    const why = d.shared.verdict === d.shared.expected ? d.shared.why : `not in the table: ${d.shared.counterexample?.message ?? "held"}`;
    const text = `split ${d.split.verdict}, shared ${d.shared.verdict}: ${why}`;
    const key = `${d.property}\u0000${text}`;
    const group = groups.get(key) ?? { property: d.property, configs: [], text };
    group.configs.push(d.config);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The cells the table judges differently on the review's release than on 1.6, with why. */
export function formatReleaseDifferences(results: Results): string {
  const differing = releaseDifferences(results);
  if (differing.length === 0) return `Every cell has the same expected verdict on containerd ${results.containerd} as on 1.6.`;
  return [
    `${differing.length} cell(s) differ on containerd ${results.containerd} from 1.6 (properties/verdicts.ts):`,
    ...differing.map((d) => `  ${configLabel(d.config)} ${d.cell.property}: 1.6 ${d.on16}, ${results.containerd} ${d.cell.expected} (found ${d.cell.verdict}): ${d.cell.why}`),
  ].join("\n");
}

export function formatLayoutDifferences(results: Results): string {
  const differing = layoutDifferences(results);
  if (differing.length === 0) return "Every cell has the same verdict on both disk layouts.";
  return [
    `${differing.length} cell(s) differ between the split and the shared disk layout:`,
    ...groupLayoutDifferences(differing).map((g) => `  ${g.property} on ${g.configs.join(", ")}: ${g.text}`),
  ].join("\n");
}
