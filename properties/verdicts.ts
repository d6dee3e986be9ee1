// The expected verdict of every configuration on every property, with why. These are
// findings of the property runs (properties/verdicts-*.test.ts assert every cell), not
// wishes: a cell changed only when a run disproved it, with the trace kept under traces/.
import type { Property } from "./invariants.ts";

export interface Cell {
  verdict: "holds" | "violated";
  why: string;
  /** For a violated cell: the longest shrunk counterexample the tests accept, in events. */
  maxLength?: number;
}

type ByKubelet = { "pre-99748": Cell; "99748": Cell };
type Row = Record<Property, Cell | ByKubelet>;

const holds = (why: string): Cell => ({ verdict: "holds", why });
const violated = (maxLength: number, why: string): Cell => ({ verdict: "violated", why, maxLength });

const neverSkips = "recovery keeps every container in the CRI store, so the kubelet never re-creates one it cannot see";
const noSlowCalls =
  "a name is reserved only by a container in the store, and every CreateContainer in the model ends within its event (calls that outlive the kubelet's deadline are not modelled yet)";

export const expectedVerdicts: Record<string, Row> = {
  baseline: {
    "no-duplicate-running": violated(
      10,
      "a container skipped by a restart on a full disk keeps running in its shim; once the disk has room the kubelet, which cannot see it, starts a second copy",
    ),
    "recovery-succeeds": {
      "pre-99748": violated(12, "#7247: the second copy gets attempt 0 again, hence the same CRI name; the next restart reserves it twice and containerd exits"),
      "99748": violated(
        16,
        "#7247 through a nearly full disk (reference 8.1 variant C): an older, exited attempt loads while the newest is skipped, the kubelet computes older + 1 and re-creates the skipped attempt's name; the next restart is fatal",
      ),
    },
    "names-unique": {
      "pre-99748": violated(12, "the re-created container takes attempt 0, the name of the skipped one still in bolt"),
      "99748": violated(14, "a partly failed recovery hides only the newest attempt; the kubelet's older + 1 is that attempt's name again"),
    },
    "no-invisible-container": violated(8, "the status rewrite at recovery fails with ENOSPC and restart.go skips the container"),
    "no-stuck-name": holds(noSlowCalls),
    "no-state-regression": holds(
      "every state change writes the checkpoint before memory changes (UpdateSync is transactional), so recovery never reads an older state than the CRI reported; a skipped container is not reported at all",
    ),
    "exit-code-preserved": holds(
      "an exit that cannot be stored leaves the container RUNNING, so no code is reported until it is real; a code lost with its deleted task comes back as 255 with reason Unknown, marked",
    ),
    converges: {
      "pre-99748": violated(20, "after #7247 containerd cannot start again until someone deletes a record by hand"),
      "99748": violated(20, "the skipped container and its copy both run, and the kubelet, which looks only at the newest, leaves the older one running for good"),
    },
  },
  "short-term": {
    "no-duplicate-running": holds(neverSkips),
    "recovery-succeeds": holds(`${neverSkips}: no second record ever takes a name`),
    "names-unique": holds(neverSkips),
    "no-invisible-container": holds(neverSkips),
    "no-stuck-name": holds(noSlowCalls),
    "no-state-regression": holds(
      "the regression of reference 7.a needs containerd to die inside StartContainer (a CREATED checkpoint with a running task), which the model's whole calls cannot express",
    ),
    "exit-code-preserved": violated(
      12,
      "an exit recovered from a stopped task is kept only in memory when the disk is full, and the task is already deleted; the next restart re-derives the stale RUNNING checkpoint as 255 Unknown: reported 0, then 255",
    ),
    converges: holds(neverSkips),
  },
  "enospc-everywhere": {
    "no-duplicate-running": holds(neverSkips),
    "recovery-succeeds": holds(`${neverSkips}: no second record ever takes a name`),
    "names-unique": holds(neverSkips),
    "no-invisible-container": holds(neverSkips),
    "no-stuck-name": holds(noSlowCalls),
    "no-state-regression": violated(
      10,
      "memory runs ahead of a checkpoint that could not be written: a container started and exited on a full disk still says CREATED on disk, its task is gone, and after a restart it is CREATED again and started a second time",
    ),
    "exit-code-preserved": violated(
      12,
      "an exit kept only in memory (its write ignored, its task deleted) is re-derived at the next restart from the stale RUNNING checkpoint as 255 Unknown",
    ),
    converges: holds(neverSkips),
  },
  "long-term": {
    "no-duplicate-running": holds(neverSkips),
    "recovery-succeeds": holds(`${neverSkips}: no second record ever takes a name`),
    "names-unique": holds(neverSkips),
    "no-invisible-container": holds(neverSkips),
    "no-stuck-name": holds(noSlowCalls),
    "no-state-regression": holds("status writes stay transactional (memory changes only after the record is updated)"),
    "exit-code-preserved": violated(
      12,
      "a bolt update fails on a full disk like the checkpoint write did: an exit recovered from a stopped task is kept only in memory, the task is deleted, and the next restart re-derives 255 Unknown",
    ),
    converges: holds(neverSkips),
  },
  "keep-task-until-stored": {
    "no-duplicate-running": holds(neverSkips),
    "recovery-succeeds": holds(`${neverSkips}: no second record ever takes a name`),
    "names-unique": holds(neverSkips),
    "no-invisible-container": holds(neverSkips),
    "no-stuck-name": holds(noSlowCalls),
    "no-state-regression": holds("runtime writes stay transactional, and a memory-only status at recovery is re-derived from the same checkpoint and the same held task"),
    "exit-code-preserved": holds(
      "the shim's stopped task, the only other copy of an exit code, is deleted only once the status that records the exit is stored; until then every restart reads the code from the task again",
    ),
    converges: holds(`${neverSkips}, and memory-only statuses are written again once the disk has room`),
  },
};

export function expectedCell(containerd: string, kubelet: string, property: Property): Cell {
  const row = expectedVerdicts[containerd];
  if (!row) throw new Error(`no expected verdicts for containerd variant ${containerd}`);
  const cell = row[property];
  return "verdict" in cell ? cell : cell[kubelet as keyof ByKubelet];
}
