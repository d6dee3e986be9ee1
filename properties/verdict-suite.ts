// Asserts one containerd variant's row of the verdict table (verdicts.ts), for every kubelet
// variant: a "holds" cell after `verdictRuns` random scenarios plus every known trace, a
// "violated" cell with a counterexample shrunk to at most the cell's maxLength events. On the
// shared disk layout it asserts the cells the table says differ there (and, for a row asked
// for, every cell), with `sharedVerdictRuns` scenarios.
import { describe, expect, it } from "vitest";
import { onDisk, parseConfig, type Config } from "../model/config.ts";
import { kubeletVariants } from "../model/variants/kubelet.ts";
import type { ContainerdVariantName } from "../model/variants/containerd.ts";
import type { DiskLayout } from "../model/disk.ts";
import { loadTrace, traceFiles, tracesFor } from "./trace-files.ts";
import { properties, type Property } from "./invariants.ts";
import { ScenarioCache, checkProperty, type CellVerdict } from "./check-property.ts";
import { expectedCell, sharedLayoutDifferences, sharedVerdictRuns, verdictRuns, verdictSeed } from "./verdicts.ts";

const knownTraces = traceFiles(new URL("../traces", import.meta.url).pathname).map(loadTrace);

function explain(result: CellVerdict): string {
  if (result.verdict === "holds") return `holds after ${result.runs} scenarios`;
  const c = result.counterexample;
  const origin = c.trace ? `known trace ${c.trace}` : `seed ${c.seed}, path ${c.path}`;
  return `violated (${origin}) at event ${c.event}: ${c.message}\n${c.events.map((e, i) => `  [${i}] ${JSON.stringify(e)}`).join("\n")}`;
}

function configOf(containerd: ContainerdVariantName, kubelet: string, disk: DiskLayout): Config {
  const parsed = parseConfig(`${containerd}/${kubelet}`);
  if (!parsed.ok) throw new Error(parsed.error);
  return onDisk(parsed.config, disk);
}

/** The cells of one configuration on one layout, each checked as the table says. */
function describeCells(containerd: ContainerdVariantName, kubelet: (typeof kubeletVariants)[number], disk: DiskLayout, cells: readonly Property[]): void {
  const config = configOf(containerd, kubelet.name, disk);
  const runs = disk === "shared" ? sharedVerdictRuns : verdictRuns;
  const examples = tracesFor(disk, knownTraces);
  describe(disk === "split" ? config.name : `${config.name} (disk ${disk})`, () => {
    const cache = new ScenarioCache(config);
    it.each(cells)("%s", (property) => {
      const cell = expectedCell(containerd, kubelet.name, property, disk);
      const result = checkProperty(cache, property, { runs, seed: verdictSeed, examples });
      expect(result.verdict, `${config.name} (disk ${disk}) ${property}: expected ${cell.verdict} (${cell.why}); got ${explain(result)}`).toBe(cell.verdict);
      if (result.verdict === "holds") expect(result.runs).toBeGreaterThanOrEqual(runs);
      else expect(result.counterexample.events.length, explain(result)).toBeLessThanOrEqual(cell.maxLength ?? 0);
    });
  });
}

export function describeVerdicts(containerd: ContainerdVariantName): void {
  const differing = Object.keys(sharedLayoutDifferences[containerd] ?? {}) as Property[];
  for (const kubelet of kubeletVariants) {
    describeCells(containerd, kubelet, "split", properties);
    if (differing.length > 0) describeCells(containerd, kubelet, "shared", differing);
  }
}

/** A whole row on the shared layout: every cell, not only those that differ from the split layout. */
export function describeSharedRow(containerd: ContainerdVariantName, kubelet: (typeof kubeletVariants)[number]): void {
  describeCells(containerd, kubelet, "shared", properties);
}
