// Where a variant's patched daemon does what the model does not: findings, each with its
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
 * long-term keeps the status in the container's bolt record. On a full filesystem a bolt
 * commit that rewrites an existing record succeeds: bbolt copies the changed pages into
 * pages freed by earlier commits, which are already allocated on disk (measured with bbolt
 * 1.3.6 on a full ext4: 400 of 400 updates of 3 KB records committed; the first commit of
 * a new record failed with "write meta.db: no space left on device", its page falling in a
 * hole of the sparse file). The model's boltWrite fails every commit on a full disk, so
 * where long-term's status update is a record rewrite (exit, start), the daemon stores it
 * and the model does not.
 */
const longTermBoltUpdateSucceeds = {
  "exit-on-full-disk": [
    { field: "containers[A].state", model: "CONTAINER_RUNNING", real: "CONTAINER_EXITED" },
    { field: "containers[A].exitCode", model: null, real: 2 },
  ],
  "exit-code-lost-across-restart": [{ field: "containers[A].exitCode", model: 255, real: 5 }],
  "exit-code-lost-at-skipped-load": [{ field: "containers[A].exitCode", model: 255, real: 4 }],
  "exit-lost-then-hidden": [{ field: "containers[A].exitCode", model: 255, real: 4 }],
  "hidden-exit-found-at-restart": [{ field: "containers[B].exitCode", model: 255, real: 6 }],
  "stop-after-failed-exit-write": [
    { field: "containers[A].visible", model: true, real: false },
    { field: "containers[A].state", model: "CONTAINER_RUNNING", real: null },
    { field: "calls[6].ok", model: false, real: true },
  ],
  "stop-on-full-disk": [{ field: "calls[4].ok", model: false, real: true }],
} satisfies Record<string, KnownDifference[]>;

const known: Readonly<Record<string, Readonly<Record<string, readonly KnownDifference[]>>>> = {
  "long-term": longTermBoltUpdateSucceeds,
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
