// The liveness property, checked once after the healing suffix: the CRI plugin is up and
// every desired container runs exactly once.
import type { World } from "../model/world.ts";

export function checkConverges(w: World): string[] {
  if (w.cri.phase !== "up") return [`containerd is ${w.cri.phase} after the faults stopped${w.cri.error ? `: ${w.cri.error}` : ""}`];
  const problems: string[] = [];
  for (const pod of Object.values(w.kubelet.pods)) {
    if (pod.deleted) continue;
    for (const name of pod.containers) {
      const running = w.ledger.containers.filter((c) => c.pod === pod.name && c.name === name && w.shim.processes[c.id]?.state === "running");
      if (running.length !== 1) problems.push(`container ${name} of pod ${pod.name} runs ${running.length} times after the faults stopped, not once`);
    }
  }
  return problems;
}
