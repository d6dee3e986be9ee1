// What goes wrong with each containerd variant, in a reviewer's words: for every property it
// violates, the verdict table's `why` sentence, or the counterexample's own message when the
// table expected the property to hold (a new finding, which has no sentence yet); and what
// the variant costs.
import { containerdVariants, type ContainerdVariantName } from "../../model/variants/containerd.ts";
import { properties, type Property } from "../../properties/invariants.ts";
import type { Cell, Results } from "./results.ts";
import { costSentence } from "./costs.ts";
import { daemonSentence } from "./daemon.ts";

export interface Problem {
  property: Property;
  text: string;
}

export interface VariantFindings {
  variant: ContainerdVariantName;
  /** The variant's own one-sentence summary (model/variants). */
  summary: string;
  /** Empty when the variant holds every property under every kubelet. */
  problems: Problem[];
  /** What it costs, in a maintainer's terms (costs.ts); null when no costs were measured. */
  costs: string | null;
  /** What its real daemon showed (daemon.ts), over both layouts; null when no recording was read. */
  daemon: string | null;
}

function explain(cell: Cell): string {
  return cell.expected === "violated" ? cell.why : `new finding: ${cell.counterexample?.message}`;
}

export function variantFindings(results: Results): VariantFindings[] {
  return containerdVariants.flatMap((variant) => {
    const rows = results.configs.filter((c) => c.containerd === variant.name);
    if (rows.length === 0) return [];
    const problems = properties.flatMap((property): Problem[] => {
      const violated = rows.flatMap((row) => {
        const cell = row.cells.find((c) => c.property === property);
        return cell?.verdict === "violated" ? [{ kubelet: row.kubelet, text: explain(cell) }] : [];
      });
      if (violated.length === 0) return [];
      // One sentence when every kubelet fails the same way; else which kubelets fail which way.
      const kubeletsByText = new Map<string, string[]>();
      for (const v of violated) kubeletsByText.set(v.text, [...(kubeletsByText.get(v.text) ?? []), v.kubelet]);
      const [only] = kubeletsByText.keys();
      const text =
        only !== undefined && kubeletsByText.size === 1 && violated.length === rows.length
          ? only
          : [...kubeletsByText].map(([sentence, kubelets]) => `with kubelet ${kubelets.join(" or ")}: ${sentence}`).join("; ");
      return [{ property, text }];
    });
    const costs = results.costs.find((c) => c.variant === variant.name);
    const daemon = daemonSentence([...rows, ...(results.shared?.configs ?? []).filter((c) => c.containerd === variant.name)]);
    return [{ variant: variant.name, summary: variant.summary, problems, costs: costs ? costSentence(costs) : null, daemon }];
  });
}
