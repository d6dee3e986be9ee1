// Create calls that outlive their caller: CreateContainer and RunPodSandbox reserve their
// name first and then do slow work (snapshot prepare, a stat on a volume mount). While the
// storage hangs they wait there, holding the name (containerd #4604, #9947, #13867); the
// caller gives up at its deadline, which the call carries (its gRPC context), but containerd
// goes on.
import type { InFlightCall, World } from "../world.ts";
import { say, type Ctx } from "../log.ts";
import { pending, type CallResult } from "./call.ts";
import { releaseByKey } from "../registrar.ts";

/**
 * Does the storage a create call of this pod needs hang? A hang scoped to a number of calls
 * takes this one.
 */
export function hangsFor(w: World, ctx: Ctx, pod: string): boolean {
  const hang = w.faults.hangs.find((h) => h.pod === null || h.pod === pod);
  if (!hang) return false;
  if (hang.calls !== null) {
    hang.calls -= 1;
    if (hang.calls === 0) w.faults.hangs.splice(w.faults.hangs.indexOf(hang), 1);
    say(ctx, "disk", `the storage holds this call`);
  }
  return true;
}

export function beginInFlight(w: World, ctx: Ctx, call: Omit<InFlightCall, "since" | "stuck" | "canceled">): CallResult {
  w.cri.inFlight.push({ ...call, since: w.clock.seconds, stuck: false, canceled: false });
  say(ctx, "cri", `${call.kind} ${call.id} holds ${call.name} and waits on the storage`, "disk");
  return pending(call.id, call.deadline);
}

type Request = Pick<InFlightCall, "kind" | "sandboxId" | "pod" | "containerName" | "attempt" | "deadline">;

/**
 * A retry that finds its name held by an in-flight call for the very same request: the
 * variant may join that call (wait for its result) instead of failing with "name is reserved".
 */
export function joinInFlight(w: World, ctx: Ctx, holder: string, request: Request): CallResult | null {
  if (ctx.config.containerd.onNameHeldBySameCall !== "join") return null;
  const call = w.cri.inFlight.find((c) => c.id === holder);
  if (!call || !sameRequest(call, request)) return null;
  say(ctx, "cri", `same request as the call in flight ${call.id}: joined it`);
  // The joining caller waits under its own deadline.
  return pending(call.id, request.deadline);
}

/** A sandbox is the same request for the same pod and attempt; a container, for the same sandbox, name and attempt. */
function sameRequest(call: InFlightCall, request: Request): boolean {
  if (call.kind !== request.kind || call.attempt !== request.attempt) return false;
  return call.kind === "runPodSandbox" ? call.pod === request.pod : call.sandboxId === request.sandboxId && call.containerName === request.containerName;
}

/**
 * Time passes: callers whose deadline went by have canceled their context. A variant that
 * releases the name then does it by key, so a retry's new reservation of the name is safe.
 */
export function cancelAbandonedCalls(w: World, ctx: Ctx): void {
  if (ctx.config.containerd.onCallerGone !== "release-name") return;
  for (const call of w.cri.inFlight) {
    if (call.canceled || w.clock.seconds <= call.deadline) continue;
    call.canceled = true;
    releaseByKey(call.kind === "createContainer" ? w.cri.containerNames : w.cri.sandboxNames, call.id);
    say(ctx, "cri", `${call.kind} ${call.id}: caller gone, name ${call.name} released, its late work will be rolled back`);
  }
}
