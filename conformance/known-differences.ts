// Where a variant's patched daemon, or containerd 1.7, does what the model does not: findings, each with its
// cause, kept here until the model (or the patch) follows. `restart-sim conformance` and
// `npm test` (recorded.test.ts) accept exactly these fields with exactly these values, and
// fail on any other difference and on an entry the daemon no longer shows, so the list
// cannot hide a new difference or outlive a fix.
import type { FieldResult } from "./compare.ts";

export interface KnownDifference {
  field: string;
  model: unknown;
  real: unknown;
}

/**
 * Debian trixie's containerd 1.7.24 (`--containerd 1.7`) where it does what 1.6.20 and the
 * model do not; upstream main does as 1.7 in both cases. Measured in every run of these traces.
 *
 * - A container whose process exited while nobody waited on it (containerd down, or the
 *   container hidden at recovery) loses its exit code at the next start: before the CRI plugin
 *   recovers, the task manager finds the shim's task with no pids, takes it for a shim leaked
 *   by a crash and deletes the task (1.7 runtime/v2/shim_load.go:loadShims, "cleaning leaked
 *   shim process", containerd#6860; main core/runtime/v2/shim_load.go:shouldCleanupShim), so
 *   the CRI plugin finds a RUNNING checkpoint without a task and records exit 255, reason
 *   Unknown (1.7 pkg/cri/server/restart.go:loadContainer). 1.6.20 keeps the stopped task, and
 *   recovery records the real code.
 * - StopContainer of an id the CRI store does not know succeeds: 1.7 and main treat it as
 *   already stopped (1.7 pkg/cri/server/container_stop.go:StopContainer, "The StopContainer RPC
 *   is idempotent"); 1.6.20 answers NOT_FOUND.
 */
const containerd17 = {
  "exit-while-down": [{ field: "containers[A].exitCode", model: 3, real: 255 }],
  "hidden-exit-found-at-restart": [{ field: "containers[B].exitCode", model: 6, real: 255 }],
  "stop-remove-invisible": [{ field: "calls[7].ok", model: false, real: true }],
} satisfies Record<string, KnownDifference[]>;

/** Keyed by daemon: the variant's name, with "@1.7" for containerd 1.7 (containerd-1.7.ts: daemonLabel). */
const known: Readonly<Record<string, Readonly<Record<string, readonly KnownDifference[]>>>> = {
  "baseline@1.7": containerd17,
};

export function knownDifferences(variant: string, trace: string): readonly KnownDifference[] {
  return known[variant]?.[trace] ?? [];
}

export interface Judged {
  /** Differences not in the list: a new finding (or a regression). */
  unexpected: FieldResult[];
  /** Listed differences the run did not show (the model or the patch changed: drop them). */
  stale: KnownDifference[];
  /** Listed differences the run showed, exactly. */
  known: FieldResult[];
}

/** Splits a comparison's disagreements into known, unexpected and stale. */
export function judge(variant: string, trace: string, fields: readonly FieldResult[]): Judged {
  const listed = knownDifferences(variant, trace);
  const same = (f: FieldResult, k: KnownDifference) => f.field === k.field && JSON.stringify(f.model) === JSON.stringify(k.model) && JSON.stringify(f.real) === JSON.stringify(k.real);
  const disagreeing = fields.filter((f) => f.verdict === "disagree");
  return {
    unexpected: disagreeing.filter((f) => !listed.some((k) => same(f, k))),
    stale: listed.filter((k) => !disagreeing.some((f) => same(f, k))),
    known: disagreeing.filter((f) => listed.some((k) => same(f, k))),
  };
}
