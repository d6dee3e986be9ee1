// containerd dies inside a CRI call (SIGKILL, OOM kill, a panic): the named points at which it
// can, following the steps of the real handlers in containerd 1.6.20 (pkg/cri/server/...).
// Nothing after the point runs: no deferred rollback, no reply. What the steps before it wrote
// (bolt records, checkpoints, tasks in the shim) stays for the next recover() to find.
// containerd's own restart tests kill it inside RunPodSandbox this way
// (integration/sandbox_run_rollback_test.go:TestRunPodSandboxAndTeardownCNISlow).
import type { World } from "../world.ts";
import { emptyCri } from "../world.ts";
import { say, type Ctx } from "../log.ts";
import type { CallResult } from "./call.ts";

export interface CrashPoint {
  /** What the steps before the point left behind, with the line of the last one. */
  after: string;
  /** How a harness can stop the real daemon there: the step it can hold or signal (restart-sim holds a TEST-ONLY hook: conformance/crash-points.ts). */
  onDaemon: string;
}

const point = (after: string, onDaemon: string): CrashPoint => ({ after, onDaemon });

/** Per CRI call, its crash points in the order the call reaches them. */
export const crashPoints = {
  runPodSandbox: {
    "record-written": point(
      "sandbox_run.go:RunPodSandbox: c.client.NewContainer wrote the pause container's bolt record with the sandbox metadata extension (and its snapshot); no root dir, network or task yet",
      "hold the snapshot prepare of the pause image's rootfs (a patched build's hook after NewContainer), then SIGKILL",
    ),
    "network-ready": point(
      "sandbox_run.go:RunPodSandbox: root dir, hostname/hosts/resolv.conf, netns and setupPodNetwork done; no shim yet",
      "the failpoint CNI plugin of 1.6.20's integration tests (integration/failpoint/cmd/cni-bridge-fp) holds CNI ADD with delay(); SIGKILL while it waits, as TestRunPodSandboxAndTeardownCNISlow does",
    ),
    "task-created": point(
      "sandbox_run.go:RunPodSandbox: container.NewTask started the shim and created the pause task; task.Start not yet called",
      "the failpoint shim (containerd-shim-runc-fp-v1, runtime handler runc-fp) with a delay() on its Start API; SIGKILL while it waits",
    ),
    "task-started": point(
      "sandbox_run.go:RunPodSandbox: task.Start returned, the pause process runs; sandboxStore.Add not reached, so the caller gets no id",
      "a patched build's hook after task.Start (no upstream failpoint sits there), then SIGKILL",
    ),
  },
  createContainer: {
    "name-reserved": point(
      "container_create.go:CreateContainer: containerNameIndex.Reserve only (memory); nothing on disk",
      "a hostPath volume on a mount that does not answer holds containerSpec's stat (containerd #10828); SIGKILL while it waits",
    ),
    "record-written": point(
      "container_create.go:CreateContainer: root dir and client.NewContainer's bolt record (with snapshot) written; no status checkpoint yet (containerstore.NewContainer not reached)",
      "a patched build's hook between NewContainer and containerstore.NewContainer, then SIGKILL",
    ),
    "status-written": point(
      "container_create.go:CreateContainer: WithStatus stored the CREATED checkpoint; containerStore.Add not reached, so the caller gets no id",
      "a patched build's hook after containerstore.NewContainer, then SIGKILL",
    ),
  },
  startContainer: {
    "task-created": point(
      "container_start.go:StartContainer: container.NewTask created the task (its log file is open); task.Start not yet called",
      "the failpoint shim (runc-fp) with a delay() on its Start API; SIGKILL while it waits",
    ),
    "task-started": point(
      "container_start.go:StartContainer: task.Start returned, the process runs; the StartedAt UpdateSync not reached, so the checkpoint still says CREATED",
      "a patched build's hook after task.Start (or a StartedAt write held on a full disk's fsync), then SIGKILL",
    ),
    "status-written": point(
      "container_start.go:StartContainer: UpdateSync stored Pid and StartedAt; the exit monitor and the reply not reached",
      "a patched build's hook after the UpdateSync, then SIGKILL",
    ),
  },
  stopContainer: {
    killed: point(
      "container_stop.go:stopContainer: task.Kill(SIGKILL) sent; the exit not yet handled (waitContainerStop), so the checkpoint still says RUNNING",
      "a patched build's hook after task.Kill, or SIGSTOP the exit handler's goroutine's shim wait; SIGKILL",
    ),
  },
  removeContainer: {
    "record-deleted": point(
      "container_remove.go:RemoveContainer: container.Container.Delete removed the bolt record; the checkpoint and root dir are still there (recover's cleanupOrphanedIDDirs removes them)",
      "a patched build's hook after the Delete, then SIGKILL",
    ),
  },
  stopPodSandbox: {
    "containers-stopped": point(
      "sandbox_stop.go:stopPodSandbox: every container of the sandbox stopped; the pause task not yet killed",
      "a patched build's hook before stopSandboxContainer, then SIGKILL",
    ),
  },
  removePodSandbox: {
    "root-dir-removed": point(
      "sandbox_remove.go:RemovePodSandbox: its containers removed and ensureRemoveAll(sandboxRootDir) done; the pause container's record not yet deleted",
      "a patched build's hook before sandbox.Container.Delete, then SIGKILL",
    ),
  },
} as const satisfies Record<string, Record<string, CrashPoint>>;

export type CrashCall = keyof typeof crashPoints;
export type CrashAt<C extends CrashCall = CrashCall> = keyof (typeof crashPoints)[C] & string;
export const crashCalls = Object.keys(crashPoints) as CrashCall[];

/** The names of a call's points, for its event's schema. */
export function pointsOf<C extends CrashCall>(call: C): [CrashAt<C>, ...CrashAt<C>[]] {
  return Object.keys(crashPoints[call]) as [CrashAt<C>, ...CrashAt<C>[]];
}

/** What the client reads when the daemon dies with its call open: the connection closes. */
export const connectionLost = "rpc error: code = Unavailable desc = error reading from server: EOF";

/**
 * The call reaches `at`: if containerd is armed to die there (containerd.crash, a cri.* event's
 * crashAt, a kubelet.sync's crash), it dies now: the CRI plugin's memory (stores, name indexes,
 * calls in flight, the exit back-off queue) is gone, shims and disk stay. The caller then returns
 * `crashedAt` at once. A point is the served call's own: StopPodSandbox's stop of a container,
 * or RemovePodSandbox's removal of one, does not pass StopContainer's or RemoveContainer's points.
 */
export function diesAt<C extends CrashCall>(w: World, ctx: Ctx, call: C, at: CrashAt<C>): boolean {
  const armed = w.faults.crash;
  if (!armed || ctx.serving !== call || armed.call !== call || armed.at !== at) return false;
  w.faults.crash = null;
  // A killed daemon logs nothing.
  say(ctx, "cri", `containerd dies inside ${call} (${at}): its memory is gone, shims and disk stay`);
  w.cri = emptyCri("down");
  return true;
}

/** The result of a call during which containerd died at its point `at`. */
export function crashedAt(at: string): CallResult {
  return { ok: false, error: connectionLost, crashed: at };
}
