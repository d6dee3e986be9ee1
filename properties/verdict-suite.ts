// Asserts one containerd variant's row of the verdict table (verdicts.ts), for both kubelet
// variants: a "holds" cell after `verdictRuns` random scenarios plus every known trace, a
// "violated" cell with a counterexample shrunk to at most the cell's maxLength events.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../model/config.ts";
import { kubeletVariants } from "../model/variants/kubelet.ts";
import type { ContainerdVariantName } from "../model/variants/containerd.ts";
import { loadTrace, traceFiles } from "./trace-files.ts";
import { properties } from "./invariants.ts";
import { ScenarioCache, checkProperty, type CellVerdict } from "./check-property.ts";
import { expectedCell, verdictRuns, verdictSeed } from "./verdicts.ts";


const knownTraces = traceFiles(new URL("../traces", import.meta.url).pathname).map(loadTrace);

function explain(result: CellVerdict): string {
  if (result.verdict === "holds") return `holds after ${result.runs} scenarios`;
  const c = result.counterexample;
  const origin = c.trace ? `known trace ${c.trace}` : `seed ${c.seed}, path ${c.path}`;
  return `violated (${origin}) at event ${c.event}: ${c.message}\n${c.events.map((e, i) => `  [${i}] ${JSON.stringify(e)}`).join("\n")}`;
}

export function describeVerdicts(containerd: ContainerdVariantName): void {
  for (const kubelet of kubeletVariants) {
    const parsed = parseConfig(`${containerd}/${kubelet.name}`);
    if (!parsed.ok) throw new Error(parsed.error);
    const config = parsed.config;
    describe(config.name, () => {
      const cache = new ScenarioCache(config);
      it.each(properties)("%s", (property) => {
        const cell = expectedCell(containerd, kubelet.name, property);
        const result = checkProperty(cache, property, { runs: verdictRuns, seed: verdictSeed, examples: knownTraces });
        expect(result.verdict, `${config.name} ${property}: expected ${cell.verdict} (${cell.why}); got ${explain(result)}`).toBe(cell.verdict);
        if (result.verdict === "holds") expect(result.runs).toBeGreaterThanOrEqual(verdictRuns);
        else expect(result.counterexample.events.length, explain(result)).toBeLessThanOrEqual(cell.maxLength ?? 0);
      });
    });
  }
}
