// The pod worker's side of a CRI call that does not return: it blocks until the call's
// deadline (pkg/kubelet/pod_workers.go, cri-client runtime-request-timeout), then the sync
// fails with DeadlineExceeded and the next sync retries. Also what the kubelet remembers of
// its last create of each container.
import type { World } from "../world.ts";
import { say, type Ctx } from "../log.ts";
import { cri } from "../cri/api.ts";
import type { CallResult } from "../cri/call.ts";
import type { ReturnedCall } from "../cri/storage.ts";

/** Key of a container in the kubelet's records; a pod's sandbox has the pod's name as key. */
export function containerKey(pod: string, container: string | null): string {
  return container === null ? pod : `${pod}/${container}`;
}

/** The pod worker waits on a call that has not returned, until the call's deadline. */
export function waitOn(w: World, ctx: Ctx, pod: string, container: string | null, attempt: number, call: string, deadline: number): void {
  w.kubelet.waiting[pod] = { call, container, attempt, deadline };
  say(ctx, "kubelet", `pod ${pod} waits on ${call} until its deadline (t=${deadline}s)`);
}

/** The sync after the deadline: the call failed with DeadlineExceeded, as far as the kubelet knows. */
export function giveUp(w: World, ctx: Ctx, pod: string): void {
  const wait = w.kubelet.waiting[pod];
  if (!wait) return;
  delete w.kubelet.waiting[pod];
  w.kubelet.timedOut[containerKey(pod, wait.container)] = wait.attempt;
  say(ctx, "kubelet", `${wait.call}: DeadlineExceeded; ${wait.container === null ? "RunPodSandbox" : "CreateContainer"} is retried`);
}

/** What the kubelet keeps of a create's outcome: a "name is reserved" refusal, and a success. */
export function noteCreate(w: World, pod: string, container: string | null, result: CallResult): void {
  const key = containerKey(pod, container);
  if (!result.ok && result.conflict) w.kubelet.refused[key] = result.conflict;
  else delete w.kubelet.refused[key];
  if (result.ok) delete w.kubelet.timedOut[key];
}

/**
 * A call the kubelet waited on returns late. Before the deadline the pod worker takes the
 * result (a created container is started, as startContainer would go on); after it, the
 * kubelet had already given up and the next sync sees whatever the call left behind.
 */
export function callReturned(w: World, ctx: Ctx, { call, result }: ReturnedCall): void {
  const entry = Object.entries(w.kubelet.waiting).find(([, wait]) => wait.call === call.id);
  if (!entry) return;
  const [pod, wait] = entry;
  if (w.clock.seconds >= wait.deadline) return;
  delete w.kubelet.waiting[pod];
  noteCreate(w, pod, wait.container, result);
  if (!result.ok) say(ctx, "kubelet", `${wait.container === null ? "RunPodSandbox" : "CreateContainer"} error for ${call.id}, retried at the next sync`);
  else if (wait.container !== null && !cri.startContainer(w, ctx, call.id).ok) say(ctx, "kubelet", `RunContainerError for ${wait.container}`);
}

/** A variant that moves past a timed-out attempt asks for the next one instead of the same name. */
export function pastTimedOut(w: World, ctx: Ctx, pod: string, container: string | null, attempt: number): number {
  const timedOut = w.kubelet.timedOut[containerKey(pod, container)];
  return ctx.config.kubelet.afterDeadline === "next-attempt" && timedOut !== undefined ? Math.max(attempt, timedOut + 1) : attempt;
}
