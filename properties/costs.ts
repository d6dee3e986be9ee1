// What a containerd variant costs on a node, measured the way the verdicts are: over the same
// runs, by an observer beside the run loop (never read by the model). Per run: how many shims,
// rootfs mounts and work-dir blocks are held for containers that already exited, at most and at
// the end; how long a task is held after its process exited while containerd is up (model
// seconds, until the run's end for one never deleted); StopContainer and RemoveContainer calls refused at once or
// delayed until their caller's deadline; status writes attempted.
import type { Config } from "../model/config.ts";
import type { Report } from "../model/ledger.ts";
import type { World } from "../model/world.ts";
import { heldForExited } from "../model/resources.ts";
import { unavailable } from "../model/cri/api.ts";

export interface CallCosts {
  calls: number;
  /** Failed without waiting (containerd down is not counted: every variant is refused then). */
  refused: number;
  /** Blocked until the caller's deadline, then failed (waitContainerStop). */
  delayed: number;
}

export interface RunCosts {
  events: number;
  /** Status writes attempted (checkpoint files or metadata records). */
  statusWrites: number;
  maxShims: number;
  maxMounts: number;
  maxBlocks: number;
  /** Held once the faults stopped and the node healed (CostTracker.settle). */
  finalShims: number;
  finalMounts: number;
  /** Longest time a container's task was held after its process exited, containerd up, in model seconds. */
  longestHeldSeconds: number;
  stopContainer: CallCosts;
  removeContainer: CallCosts;
}

const noCalls = (): CallCosts => ({ calls: 0, refused: 0, delayed: 0 });

/** A run that has cost nothing yet. */
const noRunCosts = (): RunCosts => ({
  events: 0,
  statusWrites: 0,
  maxShims: 0,
  maxMounts: 0,
  maxBlocks: 0,
  finalShims: 0,
  finalMounts: 0,
  longestHeldSeconds: 0,
  stopContainer: noCalls(),
  removeContainer: noCalls(),
});

/** The observer: `note` after every event with what the handlers reported, `end` once. */
export class CostTracker {
  private readonly costs: RunCosts = noRunCosts();
  /** Each held task's time so far, in model seconds. */
  private heldFor = new Map<string, number>();
  private last: World | null = null;
  private settled = false;

  constructor(private readonly config: Config) {}

  note(w: World, reports: readonly Report[]): void {
    const c = this.costs;
    c.events += 1;
    let waited = false;
    for (const r of reports) {
      if (r.kind === "status write") c.statusWrites += 1;
      else if (r.kind === "waited until the deadline") waited = true;
      else if (r.kind === "cri call") {
        const counts = r.call.type === "cri.stopContainer" ? c.stopContainer : r.call.type === "cri.removeContainer" ? c.removeContainer : null;
        if (counts) {
          counts.calls += 1;
          if (!r.result.ok && waited) counts.delayed += 1;
          else if (!r.result.ok && r.result.error !== unavailable) counts.refused += 1;
        }
        // A wait belongs to the call it happened in, and each call reports itself once it returns.
        waited = false;
      }
    }
    const held = heldForExited(w, this.config.disk);
    c.maxShims = Math.max(c.maxShims, held.shims);
    c.maxMounts = Math.max(c.maxMounts, held.mounts);
    c.maxBlocks = Math.max(c.maxBlocks, held.blocks);
    const before = this.last;
    const still = new Set(held.tasks);
    const next = new Map<string, number>();
    for (const id of held.tasks) next.set(id, this.heldFor.get(id) ?? 0);
    for (const [id, seconds] of this.heldFor) {
      const total = seconds + (before ? heldDuringTick(before, w, id, still.has(id)) : 0);
      if (still.has(id)) next.set(id, total);
      else this.held(total);
    }
    this.heldFor = next;
    this.last = w;
  }

  /**
   * The faults have stopped and the node had time to heal (the point `converges` is judged at):
   * what is held now stays held for as long as containerd runs. A later restart may still
   * release it; the run's own end settles if nothing did before.
   */
  settle(): void {
    if (!this.last) return;
    const held = heldForExited(this.last, this.config.disk);
    this.costs.finalShims = held.shims;
    this.costs.finalMounts = held.mounts;
    this.settled = true;
  }

  /** The run is over: what is still held is counted until now. */
  end(): RunCosts {
    if (!this.settled) this.settle();
    for (const seconds of this.heldFor.values()) this.held(seconds);
    return this.costs;
  }

  private held(seconds: number): void {
    this.costs.longestHeldSeconds = Math.max(this.costs.longestHeldSeconds, seconds);
  }
}

/**
 * The seconds a task held before an event stays held through it: only a clock.tick lets time
 * pass, and only time with containerd up counts (while it is down every variant keeps every
 * exit in its shim). A task deleted in the tick went when the deletion ran: its exit's back-off
 * retry at its due time (events.go), else the next run of the 1 s ticker that rewrites
 * memory-only statuses; the model runs both at the tick's end.
 */
function heldDuringTick(before: World, after: World, id: string, stillHeld: boolean): number {
  const tick = after.clock.seconds - before.clock.seconds;
  if (tick === 0 || before.cri.phase !== "up") return 0;
  if (stillHeld) return tick;
  const retry = before.cri.backoff.find((e) => e.id === id);
  return Math.min(tick, retry ? retry.due - before.clock.seconds : 1);
}

/**
 * A containerd variant's costs over many runs: a run's costs summed (events, writes, calls) or
 * at their most over the runs (the rest), and in how many runs something was still held once the
 * node healed.
 */
export interface Costs extends RunCosts {
  runs: number;
  runsHealedHolding: number;
}

export function emptyCosts(): Costs {
  return { ...noRunCosts(), runs: 0, runsHealedHolding: 0 };
}

const addCalls = (a: CallCosts, b: CallCosts): CallCosts => ({ calls: a.calls + b.calls, refused: a.refused + b.refused, delayed: a.delayed + b.delayed });

/** One more run, or another set of runs (a RunCosts is a Costs of one run), added in. */
export function addCosts(total: Costs, more: RunCosts | Costs): Costs {
  const runs = "runs" in more ? more.runs : 1;
  const healedHolding = "runsHealedHolding" in more ? more.runsHealedHolding : more.finalMounts > 0 ? 1 : 0;
  return {
    runs: total.runs + runs,
    events: total.events + more.events,
    statusWrites: total.statusWrites + more.statusWrites,
    maxShims: Math.max(total.maxShims, more.maxShims),
    maxMounts: Math.max(total.maxMounts, more.maxMounts),
    maxBlocks: Math.max(total.maxBlocks, more.maxBlocks),
    finalShims: Math.max(total.finalShims, more.finalShims),
    finalMounts: Math.max(total.finalMounts, more.finalMounts),
    runsHealedHolding: total.runsHealedHolding + healedHolding,
    longestHeldSeconds: Math.max(total.longestHeldSeconds, more.longestHeldSeconds),
    stopContainer: addCalls(total.stopContainer, more.stopContainer),
    removeContainer: addCalls(total.removeContainer, more.removeContainer),
  };
}

/** Status writes per event, the rate compared between variants. */
export function statusWritesPerEvent(costs: Costs): number {
  return costs.events === 0 ? 0 : costs.statusWrites / costs.events;
}
