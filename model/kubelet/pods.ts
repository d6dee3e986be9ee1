// The pods the API server asks this kubelet to run (its pod manager's desired state).
import type { World } from "../world.ts";
import type { RestartPolicy } from "../events.ts";
import { say, type Ctx } from "../log.ts";

export function addPod(w: World, ctx: Ctx, name: string, containers: string[], restartPolicy: RestartPolicy): void {
  const existing = w.kubelet.pods[name];
  if (existing && !existing.deleted) {
    say(ctx, "kubelet", `pod ${name} already exists`);
    return;
  }
  w.kubelet.pods[name] = { name, containers: [...containers], restartPolicy, deleted: false };
  say(ctx, "kubelet", `pod ${name} added: [${containers.join(", ")}], restartPolicy ${restartPolicy}`);
}

/** The pod gets a deletion timestamp: its next sync kills it, GC removes what is left. */
export function deletePod(w: World, ctx: Ctx, name: string): void {
  const pod = w.kubelet.pods[name];
  if (!pod || pod.deleted) {
    say(ctx, "kubelet", `no pod ${name} to delete`);
    return;
  }
  pod.deleted = true;
  say(ctx, "kubelet", `pod ${name} deleted`);
}
