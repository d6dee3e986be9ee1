// kuberuntime_manager.go:SyncPod: one sync of one pod: relist, decide, issue the CRI calls.
import type { World } from "../world.ts";
import { say, type Ctx } from "../log.ts";
import { cri } from "../cri/api.ts";
import { computePodActions, type PodActions } from "./compute-pod-actions.ts";
import { findContainerStatusByName, getPodStatus, type PodStatus } from "./pod-status.ts";
import { giveUp, noteCreate, pastTimedOut, waitOn } from "./pod-worker.ts";
import { callDeadline } from "./remote-runtime.ts";

/** What one SyncPod decided, from what the kubelet listed before acting. */
export interface SyncPlan {
  podName: string;
  /** The call the pod worker waited on passed its deadline: the kubelet gives up on it first. */
  gaveUp: boolean;
  status: PodStatus;
  /** null: the pod is deleted and is only killed. */
  actions: PodActions | null;
}

/**
 * The deciding half of SyncPod: relist and computePodActions. It reads the world as the sync
 * found it, so it runs on the plain world before any change; null when there is nothing to do.
 */
export function planSyncPod(w: World, ctx: Ctx, podName: string): SyncPlan | null {
  const pod = w.kubelet.pods[podName];
  if (!pod) {
    say(ctx, "kubelet", `no pod ${podName}`);
    return null;
  }
  // A pod worker blocked on a call does not sync again before the call's deadline.
  const wait = w.kubelet.waiting[podName];
  if (wait && w.clock.seconds < wait.deadline) {
    say(ctx, "kubelet", `sync ${podName}: pod worker still waits on ${wait.call}`);
    return null;
  }
  const gaveUp = wait !== undefined;
  // The PLEG relist and GetPodStatus fail while the runtime is down: nothing is decided.
  if (w.cri.phase !== "up") {
    say(ctx, "kubelet", `sync ${podName}: runtime unavailable, sync skipped`);
    return null;
  }
  const status = getPodStatus(w, podName);
  if (pod.deleted) {
    const alive = status.containers.some((c) => c.state === "CONTAINER_RUNNING") || status.sandboxes.some((s) => s.state === "SANDBOX_READY");
    if (!alive) say(ctx, "kubelet", `sync ${podName}: deleted pod already stopped`);
    return alive || gaveUp ? { podName, gaveUp, status, actions: null } : null;
  }
  const actions = computePodActions(pod, status);
  say(
    ctx,
    "kubelet",
    `sync ${podName}: ${actions.createSandbox !== null ? `new sandbox attempt ${actions.createSandbox}, ` : ""}` +
      `start [${actions.containersToStart.join(", ")}]${actions.containersToKill.length ? `, kill [${actions.containersToKill.join(", ")}]` : ""}`,
  );
  const idle = !gaveUp && !actions.killPod && actions.containersToKill.length === 0 && actions.containersToStart.length === 0;
  return idle ? null : { podName, gaveUp, status, actions };
}

/** The acting half of SyncPod: kill, create the sandbox, start containers. */
export function syncPod(w: World, ctx: Ctx, plan: SyncPlan): void {
  const { podName, status, actions } = plan;
  if (plan.gaveUp) giveUp(w, ctx, podName);
  if (!actions) {
    killPod(w, ctx, status);
    return;
  }
  if (actions.killPod && !killPod(w, ctx, status)) return;
  for (const id of actions.containersToKill) if (!cri.stopContainer(w, ctx, id).ok) return;
  let sandboxId = actions.sandboxId;
  if (actions.createSandbox !== null) {
    const id = `${podName}#${w.nextId++}`;
    const attempt = pastTimedOut(w, ctx, podName, null, actions.createSandbox);
    const deadline = callDeadline(w, "runPodSandbox");
    const created = cri.runPodSandbox(w, ctx, { id, pod: podName, attempt, deadline });
    noteCreate(w, podName, null, created);
    if (!created.ok && created.pending) waitOn(w, ctx, podName, null, attempt, created.pending.call, deadline);
    if (!created.ok) return;
    sandboxId = id;
  }
  if (sandboxId === null) return;
  for (const name of actions.containersToStart) if (startContainer(w, ctx, status, podName, name, sandboxId) === "blocked") return;
}

/** kuberuntime_manager.go:killPodWithSyncResult: stop every visible running container, then every sandbox. */
function killPod(w: World, ctx: Ctx, status: PodStatus): boolean {
  for (const c of status.containers) {
    if (c.state === "CONTAINER_RUNNING" && !cri.stopContainer(w, ctx, c.id).ok) return false;
  }
  for (const s of status.sandboxes) if (!cri.stopPodSandbox(w, ctx, s.id).ok) return false;
  return true;
}

/**
 * kuberuntime_container.go:startContainer: restartCount is the newest visible container's
 * + 1, else the kubelet variant's rule; a CreateContainerError or RunContainerError ends
 * this container's start and is retried at the next sync with the same attempt. A create that
 * does not return blocks the pod worker: "blocked".
 */
function startContainer(w: World, ctx: Ctx, status: PodStatus, pod: string, name: string, sandboxId: string): "blocked" | "done" {
  const attempt = restartCount(w, ctx, status, pod, name);
  const id = `${pod}:${name}#${w.nextId++}`;
  const deadline = callDeadline(w, "createContainer");
  const created = cri.createContainer(w, ctx, { id, sandboxId, name, attempt, deadline });
  noteCreate(w, pod, name, created);
  if (!created.ok && created.pending) {
    waitOn(w, ctx, pod, name, attempt, created.pending.call, deadline);
    return "blocked";
  }
  if (!created.ok) say(ctx, "kubelet", `CreateContainerError for ${name}, retried at the next sync`);
  else if (!cri.startContainer(w, ctx, id).ok) say(ctx, "kubelet", `RunContainerError for ${name}`);
  return "done";
}

/** The attempt of a new container by the variant's rule (newest visible + 1, N.log files); past a timed-out attempt if the variant says so. */
function restartCount(w: World, ctx: Ctx, status: PodStatus, pod: string, name: string): number {
  const newest = findContainerStatusByName(status, name);
  const count = ctx.config.kubelet.restartCount(newest?.attempt ?? null, w.kubelet.logs[pod]?.[name] ?? []);
  return pastTimedOut(w, ctx, pod, name, count);
}
