// The expected verdict of every configuration on every property, with why. These are
// findings of the property runs (properties/verdicts-*.test.ts assert every cell), not
// wishes: a cell changed only when a run disproved it, with the trace kept under traces/.
// Two families of faults meet here: a full disk at a restart (#7247, #11504) and create calls
// that outlive the kubelet's deadline (#4604, #13867). The disk variants leave slow calls as
// upstream has them, the slow-call variants leave the disk as upstream has it; ours does both.
// Failures inside a call (issue 14: containerd dying at a step of a call, hangs of one pod or one
// call, late calls on a canceled context, a failing shim) cut across both.
import type { Property } from "./invariants.ts";
import type { ContainerdVariantName } from "../model/variants/containerd.ts";
import type { KubeletVariantName } from "../model/variants/kubelet.ts";

export interface Cell {
  verdict: "holds" | "violated";
  why: string;
  /** For a violated cell: the longest shrunk counterexample the tests accept, in events. */
  maxLength?: number;
}

/**
 * Random scenarios behind every cell, after the known traces, and their seed: what the verdict
 * tests assert and what the design review (restart-sim compare) shows by default.
 */
export const verdictRuns = 1500;
export const verdictSeed = 7247;

type ByKubelet = Record<KubeletVariantName, Cell>;
type Row = Record<Property, Cell | ByKubelet>;

const holds = (why: string): Cell => ({ verdict: "holds", why });
const violated = (maxLength: number, why: string): Cell => ({ verdict: "violated", why, maxLength });

// --- failures inside a call (issue 14) ----------------------------------------------------

/** Every variant: recovery reads a stopped task's exit status over what the checkpoint says. */
const startErrorRewritten = violated(
  10,
  "a start whose task start and rollback delete both fail in the shim stores EXITED 128 (StartError) while the shim keeps the killed init's stopped task; the next recovery overwrites the code from the task (restart.go: case containerd.Stopped): reported 128, then 137 (traces/start-error-code-rewritten.json). Without a failing shim: an exit that cannot be stored leaves the container RUNNING, and a code lost with its deleted task comes back as 255 Unknown, marked",
);

/** #11504 short-term's risk (reference 7.a), now expressible: a start interrupted between task.Start and its status write. */
const createdAfterCrashedStart = (how: string) =>
  violated(
    10,
    `containerd dies inside StartContainer after task.Start, before the StartedAt write, so the checkpoint says CREATED under a running task; recovery on a full disk makes it RUNNING ${how}, the exit handler deletes the task and fails to store the exit, and the next restart reads CREATED with no task: reported CREATED after RUNNING (traces/issue-11504-start-crash-created.json)`,
  );

/** A late create newer than its retry (traces/bump-on-deadline-late-create.json). */
const lateCreateNewerThanRetry =
  "with a hang that holds one call, the retry at the next attempt goes through and runs; the late create then commits (1.6.20's create steps never read the canceled context) with a later CreatedAt, so the kubelet takes that CREATED one for the newest and asks again for the running retry's name, refused at every sync while GC keeps the dead one (traces/bump-on-deadline-late-create.json)";

// --- the full-disk family ---------------------------------------------------------------

const neverSkips = "recovery keeps every container in the CRI store, so nothing is ever created again under a name bolt still holds";

/** Upstream's recovery: a failed status rewrite skips the container. */
const skipsAtRecovery = {
  "no-duplicate-running": violated(
    10,
    "a container skipped by a restart on a full disk keeps running in its shim; once the disk has room the kubelet, which cannot see it, starts a second copy",
  ),
  "recovery-succeeds": violated(
    14,
    "#7247: a container hidden by a restart on a full disk is created again under its CRI name (at attempt 0 by a kubelet before #99748; with it, through a nearly full disk, reference 8.1 variant C, or, shorter, when containerd died inside CreateContainer after the record and before the checkpoint, so the container never started and no N.log shows its attempt: traces/issue-7247-create-crash.json; the same for log-dir-max: traces/log-dir-max-never-started.json); the next restart reserves the name twice and containerd exits",
  ),
  "names-unique": violated(12, "a hidden container's name is free in the CRI plugin, so its replacement takes it while bolt still holds the original"),
  "no-invisible-container": violated(10, "the status rewrite at recovery fails with ENOSPC and restart.go skips the container"),
  "no-state-regression": holds(
    "every state change writes the checkpoint before memory changes (UpdateSync is transactional), so recovery never reads an older state than the CRI reported; a skipped container is not reported at all, which is what a start interrupted after task.Start becomes at a recovery on a full disk (traces/issue-11504-start-crash-created.json)",
  ),
  "exit-code-preserved": startErrorRewritten,
} satisfies Partial<Row>;

const keepsEveryContainer = {
  "no-duplicate-running": holds(neverSkips),
  "recovery-succeeds": holds(neverSkips),
  "names-unique": holds(neverSkips),
  "no-invisible-container": holds(neverSkips),
} satisfies Partial<Row>;

/** keep-task-until-stored's: the stopped task outlives an exit that could not be stored, even after a crash inside StartContainer. */
const keptTask = holds(
  "status writes stay transactional; after a start interrupted between task.Start and its status write the stopped task is kept until the exit is stored, so recovery reads EXITED from it, never the stale CREATED (traces/issue-11504-start-crash-created.json)",
);

const exitCodeLostAtSecondRestart = (how: string) =>
  violated(
    12,
    `an exit recovered from a stopped task is kept only in memory when ${how}, and the task is already deleted; the next restart re-derives the stale RUNNING status as 255 Unknown: reported 0, then 255`,
  );

// --- the slow-call family ---------------------------------------------------------------

const retryRefused = violated(12, "#4604: a create that outlives the kubelet's 2 min deadline keeps its name; the retry with the same attempt is refused with \"name is reserved\"");

/** Upstream: a create that outlives its caller keeps its name, and a retry is refused. */
const namesHeldBySlowCalls: Pick<Row, "no-stuck-name"> = {
  "no-stuck-name": {
    "pre-99748": retryRefused,
    "99748": retryRefused,
    "log-dir-max": retryRefused,
    "bump-on-deadline": holds(
      "the kubelet's retry after a deadline asks for the next attempt, a name no call holds; a late create that commits after it holds no name either, but it stops the pod converging (see converges)",
    ),
  },
};

const slowCallsLiveness = "a create that never returns (#13867) holds its name until containerd restarts, and the kubelet retries that name forever";

/** Variants that keep upstream's slow calls: bump-on-deadline moves past a hung call, but not past a late one. */
const slowCallsConverge = {
  "pre-99748": violated(20, slowCallsLiveness),
  "99748": violated(20, slowCallsLiveness),
  "log-dir-max": violated(20, slowCallsLiveness),
  "bump-on-deadline": violated(20, lateCreateNewerThanRetry),
};

// --- the table --------------------------------------------------------------------------

/** One row per containerd variant: a variant without its row does not compile. */
export const expectedVerdicts: Record<ContainerdVariantName, Row> = {
  baseline: {
    ...skipsAtRecovery,
    ...namesHeldBySlowCalls,
    converges: violated(20, "after #7247 containerd cannot start again until someone deletes a record by hand; with #99748 the two copies keep running instead"),
  },
  "short-term": {
    ...keepsEveryContainer,
    ...namesHeldBySlowCalls,
    "no-state-regression": createdAfterCrashedStart("in memory only (WithStatusWhenRestart ignores the ENOSPC)"),
    "exit-code-preserved": exitCodeLostAtSecondRestart("the disk is full at a restart"),
    converges: slowCallsConverge,
  },
  "enospc-everywhere": {
    ...keepsEveryContainer,
    ...namesHeldBySlowCalls,
    "no-state-regression": violated(
      10,
      "memory runs ahead of a checkpoint that could not be written: a start that failed on a full disk is EXITED in memory but CREATED on disk, and after a restart it is CREATED again",
    ),
    "exit-code-preserved": exitCodeLostAtSecondRestart("its write is ignored on a full disk"),
    converges: slowCallsConverge,
  },
  "long-term": {
    ...keepsEveryContainer,
    ...namesHeldBySlowCalls,
    "no-state-regression": createdAfterCrashedStart("in memory only (its metadata record cannot be updated on a full disk)"),
    "exit-code-preserved": exitCodeLostAtSecondRestart("the metadata record cannot be updated on a full disk (a bolt update fails like the checkpoint write)"),
    converges: slowCallsConverge,
  },
  "keep-task-until-stored": {
    ...keepsEveryContainer,
    ...namesHeldBySlowCalls,
    "no-state-regression": keptTask,
    "exit-code-preserved": startErrorRewritten,
    converges: slowCallsConverge,
  },
  "join-in-flight-create": {
    ...skipsAtRecovery,
    "no-stuck-name": holds(
      "the kubelet's retry joins the call in flight for the same request instead of being refused, whether the hang holds every call, the pod's or that one, and whatever the call does when it returns",
    ),
    converges: violated(
      20,
      "the full-disk failures of upstream remain (#7247); and a create that never returns (#13867) is joined by every retry, so the container is never created before containerd restarts",
    ),
  },
  "release-name-on-cancel": {
    ...skipsAtRecovery,
    "no-stuck-name": holds(
      "the name of a create whose caller gave up is released at once, so the retry gets it; the late work is rolled back, never committed (upstream 1.6.20 would commit a late create: its steps never read the canceled context)",
    ),
    converges: violated(20, "the full-disk failures of upstream remain (#7247)"),
  },
  "keep-task-release-name": {
    ...keepsEveryContainer,
    "no-stuck-name": holds("the name of a create whose caller gave up is released at once, so the retry gets it"),
    "no-state-regression": keptTask,
    "exit-code-preserved": startErrorRewritten,
    converges: holds(
      `${neverSkips}, memory-only statuses are written again once the disk has room, a call that never returns no longer holds its name, and a late create is rolled back, so it never looks newer than its retry`,
    ),
  },
};

export function expectedCell(containerd: ContainerdVariantName, kubelet: KubeletVariantName, property: Property): Cell {
  const cell = expectedVerdicts[containerd][property];
  return "verdict" in cell ? cell : cell[kubelet];
}
