// The observer: what someone watching the node from outside records as events go by, kept
// apart from the world (a P spec monitor, not part of the system it watches). Handlers report
// what they created and the situations they passed through; after every event the observer
// takes note of those reports and of what the CRI API shows. Observations, the history-based
// properties and the generators' coverage read it; the model never does.
import type { World } from "./world.ts";
import { visibleContainers, type ContainerView } from "./cri/list.ts";
import { lifecycleRank } from "./status.ts";
import type { CriCall } from "./cri/api.ts";
import type { CallResult } from "./cri/call.ts";

/** Situations the property runs must keep reaching; counted to guard the generators' aim. */
export const situations = [
  "container skipped at recovery",
  "name conflict at recovery",
  "exit while containerd is down",
  "status write failed at create",
  "status write failed at start",
  "status write failed at exit",
  "create refused by a call in flight",
] as const;
export type Situation = (typeof situations)[number];

export interface ContainerFacts {
  id: string;
  pod: string;
  sandboxId: string;
  name: string;
  attempt: number;
}

export interface SandboxFacts {
  id: string;
  pod: string;
}

/** What a handler tells the observer through its context (never read by the model). */
export type Report =
  | { kind: "container created"; facts: ContainerFacts }
  | { kind: "sandbox created"; facts: SandboxFacts }
  | { kind: "situation"; situation: Situation }
  /** Every CRI call made, by a trace's cri.* event or by the kubelet, as the event that makes it. */
  | { kind: "cri call"; call: CriCall; result: CallResult }
  /** A call that had not returned at its event (CallResult.pending) returns now, at logical second `at`. */
  | { kind: "call returned"; call: string; result: CallResult; at: number }
  /** A status write was attempted (checkpoint file or metadata record): the costs count them. */
  | { kind: "status write" }
  /** The call being made blocked until its caller's deadline (waitContainerStop): it is delayed, not refused. */
  | { kind: "waited until the deadline" };

/** An immutable value: a note that changes nothing returns the very same ledger. */
export interface Ledger {
  /** Every container and sandbox ever created successfully, in creation order. */
  readonly containers: readonly ContainerFacts[];
  readonly sandboxes: readonly SandboxFacts[];
  /** Highest lifecycle rank (CREATED 0 < RUNNING 1 < EXITED 2) the CRI ever reported per container. */
  readonly reached: Readonly<Record<string, number>>;
  /** The exit code the CRI first reported for each container. */
  readonly exitCodes: Readonly<Record<string, number>>;
  /** Coverage marks: the situations passed through so far. */
  readonly situations: ReadonlySet<Situation>;
}

export const emptyLedger: Ledger = { containers: [], sandboxes: [], reached: {}, exitCodes: {}, situations: new Set() };

/**
 * The observer after one event: the handlers' reports, then what the CRI reports now
 * (`visible`: what ListContainers shows, when the caller listed it already; "seen" when the
 * world is the very one the observer took note of last, so the CRI reports nothing new).
 */
export function takeNote(ledger: Ledger, reports: readonly Report[], w: World, visible: readonly ContainerView[] | "seen" = visibleContainers(w)): Ledger {
  let next = ledger;
  for (const report of reports) {
    if (report.kind === "container created") next = { ...next, containers: [...next.containers, report.facts] };
    else if (report.kind === "sandbox created") next = { ...next, sandboxes: [...next.sandboxes, report.facts] };
    else if (report.kind === "situation" && !next.situations.has(report.situation)) next = { ...next, situations: new Set(next.situations).add(report.situation) };
  }
  return visible === "seen" ? next : noteReported(next, visible);
}

/** The furthest lifecycle state and the first exit code the CRI API shows for each container. */
function noteReported(ledger: Ledger, visible: readonly ContainerView[]): Ledger {
  let reached: Record<string, number> | null = null;
  let exitCodes: Record<string, number> | null = null;
  for (const c of visible) {
    const rank = lifecycleRank(c.state);
    if (rank === null) continue;
    const before = ledger.reached[c.id];
    if (before === undefined || rank > before) (reached ??= { ...ledger.reached })[c.id] = rank;
    if (c.state === "CONTAINER_EXITED" && ledger.exitCodes[c.id] === undefined) (exitCodes ??= { ...ledger.exitCodes })[c.id] = c.exitCode;
  }
  if (!reached && !exitCodes) return ledger;
  return { ...ledger, reached: reached ?? ledger.reached, exitCodes: exitCodes ?? ledger.exitCodes };
}
