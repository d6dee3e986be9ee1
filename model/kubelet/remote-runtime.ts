// The kubelet's CRI client (staging/src/k8s.io/cri-client/pkg/remote_runtime.go): every call
// runs under a context deadline of runtime-request-timeout (2 min); RunPodSandbox gets twice
// that. The deadline travels with the call, so containerd sees when its caller has gone.
import type { World } from "../world.ts";

/** remote_runtime.go:CreateContainer (r.timeout) and RunPodSandbox (r.timeout * 2), in logical seconds. */
const timeouts = { createContainer: 120, runPodSandbox: 240 } as const;

/** The logical second at which a call made now passes its deadline. */
export function callDeadline(w: World, call: keyof typeof timeouts): number {
  return w.clock.seconds + timeouts[call];
}
