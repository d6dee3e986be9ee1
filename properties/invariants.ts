// The safety properties of design.md as pure predicates over one world and what the observer
// recorded up to it (the history-based ones read the ledger). Each returns the violations it
// sees, in sentences a person understands; an empty list means it holds.
import type { World } from "../model/world.ts";
import type { Ledger } from "../model/ledger.ts";
import { visibleContainers } from "../model/cri/list.ts";
import { lifecycleRank, unknownExitReason } from "../model/status.ts";

export const safetyProperties = [
  "no-duplicate-running",
  "recovery-succeeds",
  "names-unique",
  "no-invisible-container",
  "no-stuck-name",
  "no-state-regression",
  "exit-code-preserved",
] as const;
export type SafetyProperty = (typeof safetyProperties)[number];
export type Property = SafetyProperty | "converges";
/** Every property of design.md, in its order. */
export const properties: readonly Property[] = [...safetyProperties, "converges"];

export interface Violation {
  property: Property;
  message: string;
}

type Check = (w: World, ledger: Ledger) => string[];

/** Groups items by a key, keeping groups of two or more. */
function duplicatesBy<T>(items: Iterable<T>, key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()].filter((g) => g.length > 1);
}

const checks: Record<SafetyProperty, Check> = {
  "no-duplicate-running": (w, ledger) => {
    const running = ledger.containers.filter((c) => w.shim.processes[c.id]?.state === "running");
    return duplicatesBy(running, (c) => `${c.pod}\u0000${c.name}`).map(
      (g) => `pod ${g[0]!.pod} runs ${g.length} processes of container ${g[0]!.name}: ${g.map((c) => c.id).join(", ")}`,
    );
  },
  "recovery-succeeds": (w) => (w.cri.phase === "failed" ? [`containerd cannot start: ${w.cri.error}`] : []),
  "names-unique": (w) => [
    ...duplicatesBy(Object.values(w.metadata.containers), (r) => r.name).map(
      (g) => `containers ${g.map((r) => r.id).join(" and ")} share the CRI name ${g[0]!.name} in containerd's metadata`,
    ),
    ...duplicatesBy(Object.values(w.metadata.sandboxes), (r) => r.name).map(
      (g) => `sandboxes ${g.map((r) => r.id).join(" and ")} share the CRI name ${g[0]!.name} in containerd's metadata`,
    ),
  ],
  "no-invisible-container": (w) =>
    w.cri.phase !== "up"
      ? []
      : Object.keys(w.metadata.containers)
          .filter((id) => !w.cri.containers[id])
          .map((id) => {
            const running = w.shim.processes[id]?.state === "running" ? ", though its process still runs" : "";
            return `container ${id} is in containerd's metadata but invisible to the kubelet${running}`;
          }),
  "no-stuck-name": (w) => {
    if (w.cri.phase !== "up") return [];
    const visible = (id: string) => w.cri.containers[id] !== undefined || w.cri.sandboxes[id] !== undefined;
    const inFlight = new Map(w.cri.inFlight.map((c) => [c.id, c]));
    // A name reserved for an id that is neither visible nor a call in flight: nothing can free it.
    const orphaned = [...Object.entries(w.cri.containerNames), ...Object.entries(w.cri.sandboxNames)]
      .filter(([, id]) => !visible(id) && !inFlight.has(id))
      .map(([name, id]) => `name ${name} is reserved for ${id}, which the kubelet cannot see and no call is creating: every create of it fails`);
    // The kubelet retries a create and is refused by a call it already gave up on.
    const refused = Object.entries(w.kubelet.refused).flatMap(([key, { name, holder }]) => {
      const call = inFlight.get(holder);
      if (visible(holder) || !call || w.clock.seconds <= call.deadline) return [];
      return [
        `the kubelet's create of ${key} fails with "name ${name} is reserved" for ${holder}, a call in flight since t=${call.since}s that the kubelet gave up on`,
      ];
    });
    return [...orphaned, ...refused];
  },
  "no-state-regression": (w, ledger) =>
    visibleContainers(w).flatMap((c) => {
      const rank = lifecycleRank(c.state);
      const reached = ledger.reached[c.id];
      if (rank === null || reached === undefined || rank >= reached) return [];
      return [`container ${c.id} is reported ${c.state} after it had reached ${rankName[reached]}`];
    }),
  "exit-code-preserved": (w, ledger) =>
    visibleContainers(w).flatMap((c) => {
      if (c.state !== "CONTAINER_EXITED") return [];
      const first = ledger.exitCodes[c.id];
      if (first !== undefined && first !== c.exitCode) {
        return [`container ${c.id} was reported exited with code ${first}, now with ${c.exitCode}: the exit code was lost`];
      }
      const process = w.shim.processes[c.id];
      if (process?.state !== "exited" || c.exitCode === process.exitCode || c.reason === unknownExitReason) return [];
      return [`container ${c.id} is reported exited with code ${c.exitCode}, but its process exited with ${process.exitCode}`];
    }),
};

const rankName = ["CONTAINER_CREATED", "CONTAINER_RUNNING", "CONTAINER_EXITED"];

export function checkProperty(property: SafetyProperty, w: World, ledger: Ledger): string[] {
  return checks[property](w, ledger);
}

/** Every safety property, or only these. */
export function checkSafety(w: World, ledger: Ledger, only: readonly SafetyProperty[] = safetyProperties): Violation[] {
  return only.flatMap((property) => checks[property](w, ledger).map((message) => ({ property, message })));
}
