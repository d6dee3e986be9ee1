// The kubelet's CRI client (staging/src/k8s.io/cri-client/pkg/remote_runtime.go): every call
// runs under a context deadline of runtime-request-timeout (2 min); RunPodSandbox gets twice
// that. The deadline travels with the call, so containerd sees when its caller has gone.
import type { World } from "../world.ts";
import { say, type Ctx } from "../log.ts";

/**
 * remote_runtime.go:CreateContainer (r.timeout), RunPodSandbox (r.timeout * 2) and StopContainer
 * (r.timeout + the grace period, 0 in the model), in logical seconds. RemoveContainer and
 * StopPodSandbox, which stop containers on their own context, get r.timeout as well.
 */
const timeouts = { createContainer: 120, runPodSandbox: 240, stopContainer: 120 } as const;

/** The logical second at which a call made now passes its deadline. */
export function callDeadline(w: World, call: keyof typeof timeouts): number {
  return w.clock.seconds + timeouts[call];
}

/** containerd stopped or died: every call in flight breaks with Unavailable and its pod worker is free. */
export function runtimeGone(w: World, ctx: Ctx): void {
  for (const [pod, wait] of Object.entries(w.kubelet.waiting)) {
    delete w.kubelet.waiting[pod];
    say(ctx, "kubelet", `${wait.call}: Unavailable (containerd went away); pod ${pod} syncs again`);
  }
}
