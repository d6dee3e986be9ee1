// The world reduced to what design.md's observation reports: what the CRI API shows, and
// what the host shows about each container's main process, for everything the observer saw
// created.
import type { World } from "./world.ts";
import type { Ledger } from "./ledger.ts";
import type { Observation, ObservedContainer, ObservedSandbox } from "./observation.ts";
import { stateOf } from "./status.ts";

export type WorldObservation = Pick<Observation, "containerd" | "error" | "containers" | "sandboxes">;

export function observe(w: World, ledger: Ledger): WorldObservation {
  const up = w.cri.phase === "up";
  const containers = ledger.containers.map((facts): ObservedContainer => {
    const cntr = up ? w.cri.containers[facts.id] : undefined;
    const state = cntr ? stateOf(cntr.status, cntr.unknown) : null;
    return {
      id: facts.id,
      name: facts.name,
      attempt: facts.attempt,
      visible: cntr !== undefined,
      state,
      exitCode: state === "CONTAINER_EXITED" && cntr ? cntr.status.exitCode : null,
      process: w.shim.processes[facts.id]?.state ?? "none",
    };
  });
  const sandboxes = ledger.sandboxes.map(({ id }): ObservedSandbox => {
    const sandbox = up ? w.cri.sandboxes[id] : undefined;
    return {
      id,
      visible: sandbox !== undefined,
      state: sandbox ? (sandbox.state === "READY" ? "SANDBOX_READY" : "SANDBOX_NOTREADY") : null,
    };
  });
  return { containerd: w.cri.phase, error: w.cri.error, containers, sandboxes };
}
