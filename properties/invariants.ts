// The safety properties of design.md as pure predicates over one world and what the observer
// recorded up to it (the history-based ones read the ledger). Each returns the violations it
// sees, in sentences a person understands; an empty list means it holds.
import type { InFlightCall, World } from "../model/world.ts";
import type { Ledger } from "../model/ledger.ts";
import { visibleContainers, type ContainerView } from "../model/cri/list.ts";
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

/**
 * A property's check: the violations it sees, built only when there are some (none: the
 * shared empty list, nothing allocated). `visible` is what ListContainers shows now, listed
 * once per event for every check (and the observer).
 */
type Check = (w: World, ledger: Ledger, visible: readonly ContainerView[]) => readonly string[];

const none: readonly string[] = Object.freeze([]);

/** Groups items by a key, keeping groups of two or more. */
function duplicatesBy<T>(items: Iterable<T>, key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()].filter((g) => g.length > 1);
}

/** Whether two records share a name: the common case (they do not) allocates nothing. */
function sharesName(records: Record<string, { name: string }>): boolean {
  for (const a in records) {
    for (const b in records) {
      if (a === b) break;
      if (records[a]!.name === records[b]!.name) return true;
    }
  }
  return false;
}

function running(w: World, id: string): boolean {
  return w.shim.processes[id]?.state === "running";
}

function visibleId(w: World, id: string): boolean {
  return w.cri.containers[id] !== undefined || w.cri.sandboxes[id] !== undefined;
}

/** The call in flight creating this id (the latest, should there be two). */
function callCreating(w: World, id: string): InFlightCall | undefined {
  for (let i = w.cri.inFlight.length - 1; i >= 0; i--) if (w.cri.inFlight[i]!.id === id) return w.cri.inFlight[i];
  return undefined;
}

/** Names reserved for an id that is neither visible nor a call in flight, added to `out`. */
function orphanedNames(w: World, index: Record<string, string>, out: string[] | null): string[] | null {
  for (const name in index) {
    const id = index[name]!;
    if (visibleId(w, id) || callCreating(w, id)) continue;
    (out ??= []).push(`name ${name} is reserved for ${id}, which the kubelet cannot see and no call is creating: every create of it fails`);
  }
  return out;
}

const checks: Record<SafetyProperty, Check> = {
  "no-duplicate-running": (w, ledger) => {
    const all = ledger.containers;
    let duplicate = false;
    for (let i = 0; i < all.length && !duplicate; i++) {
      const c = all[i]!;
      if (!running(w, c.id)) continue;
      for (let j = 0; j < i; j++) {
        const d = all[j]!;
        if (d.pod === c.pod && d.name === c.name && running(w, d.id)) {
          duplicate = true;
          break;
        }
      }
    }
    if (!duplicate) return none;
    return duplicatesBy(
      all.filter((c) => running(w, c.id)),
      (c) => `${c.pod}\u0000${c.name}`,
    ).map((g) => `pod ${g[0]!.pod} runs ${g.length} processes of container ${g[0]!.name}: ${g.map((c) => c.id).join(", ")}`);
  },
  "recovery-succeeds": (w) => (w.cri.phase === "failed" ? [`containerd cannot start: ${w.cri.error}`] : none),
  "names-unique": (w) => {
    if (!sharesName(w.metadata.containers) && !sharesName(w.metadata.sandboxes)) return none;
    return [
      ...duplicatesBy(Object.values(w.metadata.containers), (r) => r.name).map(
        (g) => `containers ${g.map((r) => r.id).join(" and ")} share the CRI name ${g[0]!.name} in containerd's metadata`,
      ),
      ...duplicatesBy(Object.values(w.metadata.sandboxes), (r) => r.name).map(
        (g) => `sandboxes ${g.map((r) => r.id).join(" and ")} share the CRI name ${g[0]!.name} in containerd's metadata`,
      ),
    ];
  },
  "no-invisible-container": (w) => {
    if (w.cri.phase !== "up") return none;
    let out: string[] | null = null;
    for (const id in w.metadata.containers) {
      if (w.cri.containers[id]) continue;
      const still = running(w, id) ? ", though its process still runs" : "";
      (out ??= []).push(`container ${id} is in containerd's metadata but invisible to the kubelet${still}`);
    }
    return out ?? none;
  },
  "no-stuck-name": (w) => {
    if (w.cri.phase !== "up") return none;
    // A name reserved for an id that is neither visible nor a call in flight: nothing can free it.
    let out = orphanedNames(w, w.cri.sandboxNames, orphanedNames(w, w.cri.containerNames, null));
    // The kubelet retries a create and is refused by a call it already gave up on.
    for (const key in w.kubelet.refused) {
      const { name, holder } = w.kubelet.refused[key]!;
      const call = callCreating(w, holder);
      if (visibleId(w, holder) || !call || w.clock.seconds <= call.deadline) continue;
      (out ??= []).push(
        `the kubelet's create of ${key} fails with "name ${name} is reserved" for ${holder}, a call in flight since t=${call.since}s that the kubelet gave up on`,
      );
    }
    return out ?? none;
  },
  "no-state-regression": (_w, ledger, visible) => {
    let out: string[] | null = null;
    for (const c of visible) {
      const rank = lifecycleRank(c.state);
      const reached = ledger.reached[c.id];
      if (rank === null || reached === undefined || rank >= reached) continue;
      (out ??= []).push(`container ${c.id} is reported ${c.state} after it had reached ${rankName[reached]}`);
    }
    return out ?? none;
  },
  "exit-code-preserved": (w, ledger, visible) => {
    let out: string[] | null = null;
    for (const c of visible) {
      if (c.state !== "CONTAINER_EXITED") continue;
      const first = ledger.exitCodes[c.id];
      if (first !== undefined && first !== c.exitCode) {
        (out ??= []).push(`container ${c.id} was reported exited with code ${first}, now with ${c.exitCode}: the exit code was lost`);
        continue;
      }
      const process = w.shim.processes[c.id];
      if (process?.state !== "exited" || c.exitCode === process.exitCode || c.reason === unknownExitReason) continue;
      (out ??= []).push(`container ${c.id} is reported exited with code ${c.exitCode}, but its process exited with ${process.exitCode}`);
    }
    return out ?? none;
  },
};

const rankName = ["CONTAINER_CREATED", "CONTAINER_RUNNING", "CONTAINER_EXITED"];

export function checkProperty(property: SafetyProperty, w: World, ledger: Ledger, visible: readonly ContainerView[] = visibleContainers(w)): readonly string[] {
  return checks[property](w, ledger, visible);
}

/** What checkSafety returns when every property holds: one shared empty list. */
export const noViolations: readonly Violation[] = Object.freeze([]);

/** Every safety property, or only these; `visible` when the caller listed it already. */
export function checkSafety(
  w: World,
  ledger: Ledger,
  only: readonly SafetyProperty[] = safetyProperties,
  visible: readonly ContainerView[] = visibleContainers(w),
): readonly Violation[] {
  let found: Violation[] | null = null;
  for (const property of only) {
    const messages = checks[property](w, ledger, visible);
    for (const message of messages) (found ??= []).push({ property, message });
  }
  return found ?? noViolations;
}
