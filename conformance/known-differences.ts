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

// Keyed by daemon and layout: the variant's name, with "@1.7" for containerd 1.7
// (containerd-1.7.ts: daemonLabel) and "/shared" on the shared layout (recordings.ts: runLabel).
// containerd 1.7.24's three differences from 1.6.20 (exit-while-down and
// hidden-exit-found-at-restart lose the exit code to the shim manager's leaked-shim cleanup,
// stop-remove-invisible's StopContainer of an unknown id succeeds) are not listed: they are
// modelled as the "1.7" release (model/releases.ts), which recorded.test.ts and conformance
// compare 1.7 with.
// None is listed now: long-term's bolt record updates that took no block
// (shared-start-failure-fits) are the model's freelist choice "reuse" (model/disk.ts: Freelist,
// tried by conformance/freelist-choices.ts).
const known: Readonly<Record<string, Readonly<Record<string, readonly KnownDifference[]>>>> = {};

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

/** No difference but the listed ones, and every listed one seen. */
export function isClean(judged: Judged): boolean {
  return judged.unexpected.length === 0 && judged.stale.length === 0;
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
