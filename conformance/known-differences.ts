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
// None is listed for that: long-term's bolt record updates that took no block
// (shared-start-failure-fits) are the model's freelist choice "reuse" (model/disk.ts: Freelist,
// tried by conformance/freelist-choices.ts).
//
// enospc-everywhere's no-state-regression counterexamples (the review's, lowered), both of which
// fill the disk before the first RunPodSandbox so that the first CreateContainer takes the last
// blocks and the StartContainer after it fails at its task's work dir. How many blocks a fresh
// root's first sandbox and create take varies between runs of the same calls: the image import
// leaves meta.db at 27 or 28 pages (bbolt's high-water mark), and the first sandbox and create
// then grow it to the same 34, so by 7 or 6 pages (model/disk.ts: boltFirstRecordAdd counts 6;
// measured on seven fresh roots); ext4 gives or takes a block more. Split (disk.room 8: 34 free
// blocks on the root, 8 on the CRI filesystem, the model's sandbox and create to the block):
// the recorded run's create failed writing meta.db; other runs of it ended with the start
// failing at its status write, or with the start succeeding. Shared (disk.room 34 with freelist
// "reuse"): the model's creates reuse pages a fresh meta.db has not freed; the daemon's first
// create failed. Until the model counted the bolt pages (issue 12) the split one differed the
// same way with fewer blocks. A cause, not a model: a commit's pages depend on meta.db's
// history, which no run reveals. So the recordings are held here and by npm test, and .ci/run
// leaves the two traces out of its live runs.
const lastBlockCreate = {
  split: [
    { field: "containers[p:c#2]", model: "listed", real: "absent" },
    { field: "calls[2].ok", model: true, real: false },
  ],
  shared: [
    { field: "containers[p:c#2]", model: "listed", real: "absent" },
    { field: "containers[p:d#3]", model: "listed", real: "absent" },
    { field: "calls[2].ok", model: true, real: false },
    { field: "calls[3].ok", model: true, real: false },
    { field: "calls[4].ok", model: true, real: false },
  ],
} satisfies Record<string, KnownDifference[]>;

const known: Readonly<Record<string, Readonly<Record<string, readonly KnownDifference[]>>>> = {
  "enospc-everywhere": { "enospc-everywhere-pre-99748-no-state-regression-lowered": lastBlockCreate.split },
  "enospc-everywhere/shared": { "enospc-everywhere-pre-99748-no-state-regression-shared-lowered": lastBlockCreate.shared },
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
