// CRI-internal names, the keys of the CRI plugin's two name registrars. Pods are identified
// by name in traces; their namespace and UID are derived so that the model and the real
// daemon (conformance/) build the same names.

export const podNamespace = "default";

/** The pod UID that the kubelet and the conformance harness send for a pod of this name. */
export function podUid(pod: string): string {
  return `uid-${pod}`;
}

/** internal/cri/server/helpers.go:makeSandboxName: <pod>_<namespace>_<uid>_<attempt>. */
export function makeSandboxName(pod: string, attempt: number): string {
  return [pod, podNamespace, podUid(pod), String(attempt)].join("_");
}

/** internal/cri/server/helpers.go:makeContainerName: <container>_<pod>_<namespace>_<uid>_<attempt>. */
export function makeContainerName(name: string, pod: string, attempt: number): string {
  return [name, pod, podNamespace, podUid(pod), String(attempt)].join("_");
}
