// What each containerd variant costs, beside its verdicts: its configurations' costs
// (properties/costs.ts, over the scenarios the verdicts ran) added up per variant, status
// writes compared with baseline's, and the size of its patch. Shown as a table and, in each
// variant's text, in a maintainer's terms.
import { containerdVariants, type ContainerdVariantName } from "../../model/variants/containerd.ts";
import { configOrThrow } from "../../model/config.ts";
import { addCosts, emptyCosts, statusWritesPerEvent, type CallCosts } from "../../properties/costs.ts";
import type { ConfigVerdicts } from "./check-config.ts";
import type { PatchSize } from "./patch-size.ts";

export interface VariantCosts {
  variant: ContainerdVariantName;
  /** Scenarios counted: every configuration of the variant (one per kubelet variant). */
  runs: number;
  /** Held for containers that already exited: stopped tasks, each with its rootfs mount and FIFOs. */
  held: {
    /** The most at once in one run, and the most still held once the faults stopped and the node healed (before the clean restart). */
    maxShims: number;
    finalShims: number;
    maxMounts: number;
    finalMounts: number;
    /** Work-dir blocks held at most. */
    maxBlocks: number;
    /** Runs that healed with a task still held: held until containerd restarts again, a leak. */
    runsHealedHolding: number;
    /** The longest a task stayed after its process exited, in model seconds. */
    longestSeconds: number;
  };
  stopContainer: CallCosts;
  removeContainer: CallCosts;
  /** Status writes attempted per event, and the difference from baseline's (3 decimals). */
  statusWritesPerEvent: number;
  extraStatusWritesPerEvent: number;
  patch: PatchSize;
}

const rate = (x: number) => Number(x.toFixed(3));

/** Costs per containerd variant with results, in the variants' order; `patches` gives each variant's patch size. */
export function variantCosts(checked: readonly ConfigVerdicts[], patches: (variant: ContainerdVariantName) => PatchSize): VariantCosts[] {
  const byVariant = new Map<string, ReturnType<typeof emptyCosts>>();
  for (const { config, costs } of checked) {
    const variant = configOrThrow(config).containerd.name;
    byVariant.set(variant, addCosts(byVariant.get(variant) ?? emptyCosts(), costs));
  }
  const baseline = byVariant.get("baseline");
  return containerdVariants.flatMap((v) => {
    const c = byVariant.get(v.name);
    if (!c) return [];
    const perEvent = statusWritesPerEvent(c);
    return [
      {
        variant: v.name,
        runs: c.runs,
        held: {
          maxShims: c.maxShims,
          finalShims: c.finalShims,
          maxMounts: c.maxMounts,
          finalMounts: c.finalMounts,
          maxBlocks: c.maxBlocks,
          runsHealedHolding: c.runsHealedHolding,
          longestSeconds: c.longestHeldSeconds,
        },
        stopContainer: c.stopContainer,
        removeContainer: c.removeContainer,
        statusWritesPerEvent: rate(perEvent),
        extraStatusWritesPerEvent: baseline ? rate(perEvent - statusWritesPerEvent(baseline)) : 0,
        patch: patches(v.name),
      },
    ];
  });
}

export const costColumns = [
  "containerd variant",
  "shims held max/end",
  "mounts held max/end",
  "blocks held max",
  "task held max (s)",
  "runs healed holding",
  "StopContainer refused/delayed of calls",
  "RemoveContainer refused/delayed of calls",
  "status writes/event (vs baseline)",
  "patch +/- lines (files)",
] as const;

export const costsLegend =
  "Held: for containers that already exited, the most at once in one run / the most left once the faults stopped and the node healed (until containerd restarts again); " +
  "a mount is a stopped task's rootfs (with its FIFOs), a shim a pod's runc v2 shim alive only for such tasks, a block one of their work dirs'. " +
  "Calls: refused at once / blocked until the caller's deadline, then failed, of all calls made (while containerd is up). " +
  "Status writes: attempted per event, and the difference from baseline's. Patch: lines added/removed (files), test-only hunks left out.";

const calls = (c: CallCosts) => `${c.refused}/${c.delayed} of ${c.calls}`;
const signed = (x: number) => (x > 0 ? `+${x}` : x < 0 ? `${x}` : "±0");

/** One row of the costs table, a cell per column. */
export function costCells(c: VariantCosts): string[] {
  return [
    c.variant,
    `${c.held.maxShims}/${c.held.finalShims}`,
    `${c.held.maxMounts}/${c.held.finalMounts}`,
    `${c.held.maxBlocks}`,
    `${c.held.longestSeconds}`,
    `${c.held.runsHealedHolding} of ${c.runs}`,
    calls(c.stopContainer),
    calls(c.removeContainer),
    `${c.statusWritesPerEvent} (${signed(c.extraStatusWritesPerEvent)})`,
    c.patch.patches.length === 0 ? "none" : `+${c.patch.added}/-${c.patch.removed} (${c.patch.files})`,
  ];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function callSentence(name: string, c: CallCosts): string | null {
  if (c.refused === 0 && c.delayed === 0) return null;
  const parts = [c.refused > 0 ? `refused at once in ${c.refused}` : null, c.delayed > 0 ? `blocked until the caller's deadline, then failed, in ${c.delayed}` : null];
  return `${name} is ${parts.filter((p) => p !== null).join(" and ")} of ${plural(c.calls, "call")}`;
}

/** What the variant costs, in a maintainer's terms: leaks, hangs, writes, code. */
export function costSentence(c: VariantCosts): string {
  const h = c.held;
  const held =
    h.maxMounts === 0
      ? "No task stays after its container exited."
      : `Keeps the stopped task of an exited container (its rootfs mounted, its FIFOs open, ${plural(h.maxBlocks, "work-dir block")} held at most) ` +
        `for up to ${h.longestSeconds} s, ${plural(h.maxMounts, "task")} at once` +
        (h.maxShims > 0 ? `, keeping ${plural(h.maxShims, "pod shim")} alive only for them` : "") +
        (h.runsHealedHolding === 0
          ? "; none is left once the faults stop."
          : `; in ${h.runsHealedHolding} of ${c.runs} runs one is still held after the faults stopped, until containerd restarts again (up to ${plural(h.finalMounts, "mount")} and ${plural(h.finalShims, "shim")} leaked).`);
  const callText = [callSentence("StopContainer", c.stopContainer), callSentence("RemoveContainer", c.removeContainer)].filter((s) => s !== null);
  const writes =
    c.variant === "baseline"
      ? `${c.statusWritesPerEvent} status writes per event.`
      : `${c.statusWritesPerEvent} status writes per event (${signed(c.extraStatusWritesPerEvent)} vs baseline).`;
  const patch =
    c.patch.patches.length === 0
      ? "No patch: upstream as shipped."
      : `Patch: ${c.patch.added} lines added, ${c.patch.removed} removed in ${plural(c.patch.files, "file")} (${c.patch.patches.join(" + ")}).`;
  return [held, callText.length > 0 ? `${callText.join("; ")}.` : "No StopContainer or RemoveContainer refused or delayed.", writes, patch].join(" ");
}
