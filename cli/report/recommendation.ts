// The fix the review recommends, why, and how it compares with upstream, #11504's two fixes, our
// earlier proposal and the other design of issue 17 that was modelled (exit-in-record): the properties each violates on each layout (any kubelet variant), from
// the review's own matrices, beside what each costs (costs.ts) and the blocks its status takes
// per container (model/disk.ts). The table is measured on every run; only the choice and its
// reason are written here, and the review says so when its own matrix disagrees with them.
import { containerdVariants, type ContainerdVariantName } from "../../model/variants/containerd.ts";
import { statusFileBlocks } from "../../model/disk.ts";
import { properties, type Property } from "../../properties/invariants.ts";
import type { Matrix, Results } from "./results.ts";

export const recommendation = {
  variant: "preallocated-status-release-name",
  why:
    "it removes #7247's cause instead of tolerating it: the status file takes its blocks once, with the container's root dir before the record, and every later status is written in place into the older of its two slots (sequence number, checksum), so no status write after CreateContainer can fail for space. Recovery never skips a container, every exit is stored when it is handled with the task deleted first as upstream does, and a start never fails at its StartedAt write; recovery keeps an exit already stored over a stopped task's, and a slow create's name is released when its caller gives up (release-name-on-cancel). It holds every property on both layouts and on containerd 1.7, keeps no stopped task, mount or shim for an exited container (keep-task-release-name keeps them until the exit is stored), and needs no bolt commit for an exit (exit-in-record's copy of an exit in the metadata record does, and on its daemon that commit did not fit the block the exit's task delete frees on a full disk), and writes no more statuses than baseline. What it costs instead: the status file is 2 KiB (one block on 4 KiB-block filesystems, as the checkpoint; two on 1 KiB blocks), its format changes (a downgraded containerd loads such containers UNKNOWN), and a Message longer than a slot holds is cut in the file",
  comparedWith: ["baseline", "short-term", "long-term", "keep-task-release-name", "exit-in-record"],
} as const satisfies { variant: ContainerdVariantName; why: string; comparedWith: readonly ContainerdVariantName[] };

export const recommendationColumns = [
  "containerd variant",
  "violated, split",
  "violated, shared",
  "mounts held max/end",
  "task held max (s)",
  "runs healed holding",
  "status writes/event (vs baseline)",
  "status blocks per container (1 KiB / 4 KiB)",
  "patch +/- lines",
] as const;

/** Properties some configuration of the variant violates in this matrix. */
function violatedIn(matrix: Matrix, variant: ContainerdVariantName): Property[] {
  return properties.filter((p) => matrix.configs.some((c) => c.containerd === variant && c.cells.find((cell) => cell.property === p)?.verdict === "violated"));
}

/** How many properties are violated, and which when they are few enough to name in a cell. */
const listed = (violated: Property[] | null) =>
  violated === null ? "not run" : violated.length === 0 ? "none" : `${violated.length} of ${properties.length}${violated.length > 2 ? "" : `: ${violated.join(", ")}`}`;

/** A row per compared variant, the recommended one last; variants the review did not run are left out. */
export function recommendationRows(results: Results): string[][] {
  const order = [...recommendation.comparedWith, recommendation.variant];
  return order.flatMap((variant) => {
    const c = results.costs.find((x) => x.variant === variant);
    const v = containerdVariants.find((x) => x.name === variant)!;
    if (!c) return [];
    const signed = c.extraStatusWritesPerEvent > 0 ? `+${c.extraStatusWritesPerEvent}` : c.extraStatusWritesPerEvent < 0 ? `${c.extraStatusWritesPerEvent}` : "±0";
    return [
      [
        variant,
        listed(violatedIn(results, variant)),
        listed(results.shared ? violatedIn(results.shared, variant) : null),
        `${c.held.maxMounts}/${c.held.finalMounts}`,
        `${c.held.longestSeconds}`,
        `${c.held.runsHealedHolding} of ${c.runs}`,
        `${c.statusWritesPerEvent} (${signed})`,
        `${statusFileBlocks(v.statusStore, 1024)} / ${statusFileBlocks(v.statusStore, 4096)}`,
        c.patch.patches.length === 0 ? "none" : `+${c.patch.added}/-${c.patch.removed}`,
      ],
    ];
  });
}

/** The properties the recommended variant violates in this run's matrices (either layout): none when the run backs the choice. */
function brokenIn(results: Results): Property[] {
  return [...new Set([...violatedIn(results, recommendation.variant), ...(results.shared ? violatedIn(results.shared, recommendation.variant) : [])])];
}

/** For results.json: the choice and its reason, whether this run backs it, and the comparison's rows keyed by column. */
export function recommendationRecord(results: Results) {
  return {
    variant: recommendation.variant,
    why: recommendation.why,
    violatedInThisRun: brokenIn(results),
    comparison: recommendationRows(results).map((row) => Object.fromEntries(recommendationColumns.map((column, i) => [column, row[i]]))),
  };
}

/** The recommendation in one paragraph, with a warning when this run's matrix does not back it. */
export function recommendationText(results: Results): string {
  const broken = brokenIn(results);
  const warning = broken.length === 0 ? "" : ` WARNING: in this run it violates ${broken.join(", ")}, so the recommendation does not hold here.`;
  return `Recommended: ${recommendation.variant}, because ${recommendation.why}.${warning}`;
}

/** For the terminal: the paragraph, then the table with padded columns. */
export function formatRecommendation(results: Results): string {
  const rows = [[...recommendationColumns], ...recommendationRows(results)];
  const widths = recommendationColumns.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd();
  return [recommendationText(results), "", line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** For report.md: a section of its own. */
export function recommendationSection(results: Results): string[] {
  return [
    "## Recommendation",
    "",
    recommendationText(results),
    "",
    `| ${recommendationColumns.join(" | ")} |`,
    `|---|${recommendationColumns.slice(1).map(() => "---").join("|")}|`,
    ...recommendationRows(results).map(([variant, ...cells]) => `| \`${variant}\` | ${cells.join(" | ")} |`),
    "",
  ];
}

/** For index.html: the paragraph and the table; `escape` is the page's HTML escaping. */
export function recommendationHtml(results: Results, escape: (text: string) => string): string {
  const head = recommendationColumns.map((c) => `<th>${escape(c)}</th>`).join("");
  const rows = recommendationRows(results).map(([variant, ...cells]) => `<tr><th scope="row">${escape(variant!)}</th>${cells.map((cell) => `<td>${escape(cell)}</td>`).join("")}</tr>`);
  return `<h2>Recommendation</h2>
<p>${escape(recommendationText(results))}</p>
<table id="recommendation"><thead><tr>${head}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}
