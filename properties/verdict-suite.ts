// Asserts one containerd variant's row of the verdict table (verdicts.ts), for every kubelet
// variant: a "holds" cell after `verdictRuns` random scenarios plus every known trace, a
// "violated" cell with a counterexample shrunk to at most the cell's maxLength events. On the
// shared disk layout it asserts the cells the table says differ there (and, for a row asked
// for, every cell), with `sharedVerdictRuns` scenarios; on containerd 1.7 likewise the cells
// that differ from 1.6 on either layout (and a row asked for), with `releaseVerdictRuns`.
import { describe, expect, it } from "vitest";
import { setAutoFreeze } from "immer";
import { onDisk, onRelease, parseConfig, type Config } from "../model/config.ts";
import { defaultRelease, releaseOf, type ContainerdReleaseName } from "../model/releases.ts";
import { kubeletVariants } from "../model/variants/kubelet.ts";
import type { ContainerdVariantName } from "../model/variants/containerd.ts";
import { diskLayouts, type DiskLayout } from "../model/disk.ts";
import { loadTrace, traceFiles, tracesFor } from "./trace-files.ts";
import { properties, type Property } from "./invariants.ts";
import { ScenarioCache, checkProperty, type CellVerdict } from "./check-property.ts";
import { stepOnOwnCopies } from "./run.ts";
import { expectedCell, releaseDifferences, releaseVerdictRuns, sharedLayoutDifferences, sharedVerdictRuns, verdictRuns, verdictSeed } from "./verdicts.ts";

// The verdicts are the review's: its scenarios run as the review runs them (cli/main.ts), unfrozen
// and on own copies; owned-world.test.ts holds those steps equal to immer's, and the other tests
// keep immer's frozen worlds, which catch a write that escapes a draft.
setAutoFreeze(false);
stepOnOwnCopies(true);

const knownTraces = traceFiles(new URL("../traces", import.meta.url).pathname).map(loadTrace);

function explain(result: CellVerdict): string {
  if (result.verdict === "holds") return `holds after ${result.runs} scenarios`;
  const c = result.counterexample;
  const origin = c.trace ? `known trace ${c.trace}` : `seed ${c.seed}, path ${c.path}`;
  return `violated (${origin}) at event ${c.event}: ${c.message}\n${c.events.map((e, i) => `  [${i}] ${JSON.stringify(e)}`).join("\n")}`;
}

function configOf(containerd: ContainerdVariantName, kubelet: string, disk: DiskLayout, release: ContainerdReleaseName): Config {
  const parsed = parseConfig(`${containerd}/${kubelet}`);
  if (!parsed.ok) throw new Error(parsed.error);
  return onRelease(onDisk(parsed.config, disk), releaseOf(release));
}

/** The cells of one configuration on one layout and release, each checked as the table says. */
function describeCells(
  containerd: ContainerdVariantName,
  kubelet: (typeof kubeletVariants)[number],
  disk: DiskLayout,
  cells: readonly Property[],
  release: ContainerdReleaseName = defaultRelease.name,
): void {
  const config = configOf(containerd, kubelet.name, disk, release);
  const runs = release !== defaultRelease.name ? releaseVerdictRuns : disk === "shared" ? sharedVerdictRuns : verdictRuns;
  const examples = tracesFor(disk, knownTraces, release);
  const on = [...(disk === "split" ? [] : [`disk ${disk}`]), ...(release === defaultRelease.name ? [] : [`containerd ${release}`])];
  describe(on.length === 0 ? config.name : `${config.name} (${on.join(", ")})`, () => {
    const cache = new ScenarioCache(config);
    it.each(cells)("%s", (property) => {
      const cell = expectedCell(containerd, kubelet.name, property, disk, release);
      const result = checkProperty(cache, property, { runs, seed: verdictSeed, examples });
      expect(result.verdict, `${config.name} (${[`disk ${disk}`, `containerd ${release}`].join(", ")}) ${property}: expected ${cell.verdict} (${cell.why}); got ${explain(result)}`).toBe(cell.verdict);
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
    for (const [release, layouts] of Object.entries(releaseDifferences) as [ContainerdReleaseName, NonNullable<(typeof releaseDifferences)[ContainerdReleaseName]>][]) {
      for (const disk of diskLayouts) {
        const cells = Object.keys(layouts[disk][containerd] ?? {}) as Property[];
        if (cells.length > 0) describeCells(containerd, kubelet, disk, cells, release);
      }
    }
  }
}

/** A whole row on another containerd release: every cell, not only those that differ from 1.6. */
export function describeReleaseRow(containerd: ContainerdVariantName, kubelet: (typeof kubeletVariants)[number], release: ContainerdReleaseName, disk: DiskLayout = "split"): void {
  describeCells(containerd, kubelet, disk, properties, release);
}

/** A whole row on the shared layout: every cell, not only those that differ from the split layout. */
export function describeSharedRow(containerd: ContainerdVariantName, kubelet: (typeof kubeletVariants)[number]): void {
  describeCells(containerd, kubelet, "shared", properties);
}
