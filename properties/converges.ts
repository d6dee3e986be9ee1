// The liveness property, checked once after the healing suffix: the CRI plugin is up, every
// desired container runs exactly once, and no create of the kubelet is still refused with
// "name is reserved" (a sync that fails forever, e.g. against a call that never returns).
import type { World } from "../model/world.ts";
import type { Ledger } from "../model/ledger.ts";

export function checkConverges(w: World, ledger: Ledger): string[] {
  if (w.cri.phase !== "up") return [`containerd is ${w.cri.phase} after the faults stopped${w.cri.error ? `: ${w.cri.error}` : ""}`];
  const problems: string[] = [];
  for (const pod of Object.values(w.kubelet.pods)) {
    if (pod.deleted) continue;
    for (const name of pod.containers) {
      const running = ledger.containers.filter((c) => c.pod === pod.name && c.name === name && w.shim.processes[c.id]?.state === "running");
      if (running.length !== 1) problems.push(`container ${name} of pod ${pod.name} runs ${running.length} times after the faults stopped, not once`);
    }
  }
  for (const [key, { name, holder }] of Object.entries(w.kubelet.refused)) {
    problems.push(`the kubelet's create of ${key} still fails after the faults stopped: name ${name} is reserved for ${holder}`);
  }
  return problems;
}
