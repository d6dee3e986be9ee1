// The storage behind CreateContainer and RunPodSandbox hangs and resumes; calls that waited
// on it then finish late, or never (only a containerd restart, which forgets them, ends those).
import type { InFlightCall, World } from "../world.ts";
import { say, type Ctx } from "../log.ts";
import { failed, type CallResult } from "./call.ts";
import { finishCreateContainer } from "./container-create.ts";
import { finishRunPodSandbox } from "./sandbox-run.ts";

export interface ReturnedCall {
  call: InFlightCall;
  result: CallResult;
}

export function hangStorage(w: World, ctx: Ctx): void {
  w.disk.hung = true;
  say(ctx, "disk", "storage hangs: create calls now wait after reserving their name");
}

/** The storage answers again. Waiting calls finish now (late), or are stuck for good. */
export function resumeStorage(w: World, ctx: Ctx, waiting: "finish" | "stuck"): ReturnedCall[] {
  w.disk.hung = false;
  say(ctx, "disk", `storage answers again; calls already waiting ${waiting === "finish" ? "finish now" : "stay stuck"}`);
  if (waiting === "stuck") {
    for (const call of w.cri.inFlight) call.stuck = true;
    return [];
  }
  const finishing = w.cri.inFlight.filter((c) => !c.stuck);
  w.cri.inFlight = w.cri.inFlight.filter((c) => c.stuck);
  return finishing.map((call) => {
    const result: CallResult = call.canceled
      ? failed("context canceled")
      : call.kind === "createContainer"
        ? finishCreateContainer(w, ctx, { id: call.id, sandboxId: call.sandboxId, name: call.containerName, attempt: call.attempt, deadline: call.deadline }, call.name)
        : finishRunPodSandbox(w, ctx, { id: call.id, pod: call.pod, attempt: call.attempt, deadline: call.deadline }, call.name);
    say(ctx, "cri", `${call.kind} ${call.id} returns late: ${result.ok ? "ok" : result.error}`);
    return { call, result };
  });
}
