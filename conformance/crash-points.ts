// Crash points on the real daemon (issue 14 item 5): a cri.* event's `crashAt` names a point
// inside the call at which containerd dies (model/cri/crash.ts). A build with the TEST-ONLY
// hooks of conformance/patches/test-hooks.patch (every --variant build) holds the call at the
// hook that sits where the model's point is; the harness waits until the daemon says the call
// is held there (held-<hook>-<id>), SIGKILLs containerd (its shims live on, as after an OOM
// kill or a panic) and removes the hold, so the next containerd.start finds exactly what the
// real steps before the point left behind.
import type { CrashAt, CrashCall } from "../model/cri/crash.ts";
import type { Holds } from "./slow-calls.ts";
import { poll } from "./exec.ts";

interface OnDaemon {
  /** The test hook (<CRI method>.<step>) that holds the call where the model's point is. */
  hook: string;
  /** A create whose record is written before the hook: its object exists from the next start on (the model lists it). */
  made: boolean;
}

const at = (hook: string, made = false): OnDaemon => ({ hook, made });

/** Every crash point of the model, at the test hook that stops the daemon there; the compiler asks for each new point. */
export const crashHooks = {
  runPodSandbox: {
    // sandbox_run.go: c.client.NewContainer wrote the pause container's record (with the sandbox metadata).
    "record-written": at("RunPodSandbox.after-record", true),
    // After setupPodNetwork; the harness's sandboxes use the host network, so no CNI runs before it.
    "network-ready": at("RunPodSandbox.after-network", true),
    "task-created": at("RunPodSandbox.after-shim-start", true),
    "task-started": at("RunPodSandbox.after-task-start", true),
  },
  createContainer: {
    "name-reserved": at("CreateContainer.after-reserve"),
    "record-written": at("CreateContainer.after-record", true),
    "status-written": at("CreateContainer.after-status-write", true),
  },
  startContainer: {
    "task-created": at("StartContainer.after-task-create"),
    "task-started": at("StartContainer.after-task-start"),
    "status-written": at("StartContainer.after-status-write"),
  },
  stopContainer: { killed: at("StopContainer.after-kill") },
  removeContainer: { "record-deleted": at("RemoveContainer.after-record-delete") },
  stopPodSandbox: { "containers-stopped": at("StopPodSandbox.after-containers-stop") },
  removePodSandbox: { "root-dir-removed": at("RemovePodSandbox.after-root-dir-remove") },
} as const satisfies { [C in CrashCall]: Record<CrashAt<C>, OnDaemon> };

/** The crash point a cri.* event carries, on the daemon; undefined when it carries none. */
export function crashHookOf(e: { type: string; crashAt?: string }): (OnDaemon & { call: CrashCall; at: string }) | undefined {
  if (e.crashAt === undefined || !e.type.startsWith("cri.")) return undefined;
  const call = e.type.slice("cri.".length) as CrashCall;
  const hook = (crashHooks[call] as Record<string, OnDaemon> | undefined)?.[e.crashAt];
  if (!hook) throw new Error(`${e.type} has no crash point ${JSON.stringify(e.crashAt)} on the daemon`);
  return { ...hook, call, at: e.crashAt };
}

/** How long a call may take to reach its hook (a sandbox start runs a shim and runc). */
const reachMs = 30_000;

/** One call armed to be held at its hook: only the call whose id or reserved name is `key` waits there. */
export class ArmedCrash {
  private readonly before: Set<string>;

  constructor(
    private readonly holds: Holds,
    readonly hook: string,
    /** The call's own id (by-id calls) or reserved name (creates): test-hooks.patch's hold-file line. */
    key: string,
  ) {
    this.before = new Set(holds.held().filter((h) => h.point === hook).map((h) => h.id));
    holds.hold(hook, [key]);
  }

  /**
   * Waits until the call is held at the hook, then `kill`s containerd and removes the hold:
   * returns the held call's id (the daemon's, for a create the caller never learns). Returns
   * undefined when the call ended without reaching the hook (as the model disarms a point its
   * call does not reach). Throws when neither happens in time.
   */
  async strike(settled: () => boolean, kill: () => Promise<void>): Promise<string | undefined> {
    let killed = false;
    try {
      const held = await poll(() => {
        // The hold file names only this call: whoever is newly held at the hook is it.
        const h = this.holds.held().find((x) => x.point === this.hook && !this.before.has(x.id));
        if (h) return { id: h.id };
        return settled() ? { id: undefined } : undefined;
      }, reachMs, 10);
      if (!held) throw new Error(`the call did not reach the test hook ${this.hook} within ${reachMs / 1000} s, nor return`);
      if (held.id !== undefined) {
        await kill();
        killed = true;
      }
      return held.id;
    } finally {
      // Before the next containerd.start: no call of the restarted daemon may wait here.
      this.holds.release(this.hook);
      // The dead daemon's held calls are gone with it.
      if (killed) this.holds.forgetHeld();
    }
  }
}
