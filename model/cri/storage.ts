// The storage behind CreateContainer and RunPodSandbox hangs and resumes; calls that waited
// on it then finish late, fail, or never return (only a containerd restart, which forgets
// them, ends those). A hang covers every call, one pod's (containerd #10828: a stat blocked on
// one pod's dead hostPath) or only the next few (a slow snapshot); each waiting call can also
// return on its own.
import type { InFlightCall, World } from "../world.ts";
import { report, say, type Ctx } from "../log.ts";
import { releaseByName } from "../registrar.ts";
import { failed, type CallResult } from "./call.ts";
import { finishCreateContainer } from "./container-create.ts";
import { finishRunPodSandbox } from "./sandbox-run.ts";

export interface ReturnedCall {
  call: InFlightCall;
  result: CallResult;
}

export interface HangScope {
  /** Only this pod's calls; every pod's without it. */
  pod?: string | undefined;
  /** Only the next this many calls; every call until storage.resume without it. */
  calls?: number | undefined;
}

export function hangStorage(w: World, ctx: Ctx, scope: HangScope): void {
  const pod = scope.pod ?? null;
  const calls = scope.calls ?? null;
  // One hang per scope: a second one adds its calls to it, or makes it hold every call.
  const same = w.faults.hangs.find((h) => h.pod === pod);
  if (!same) w.faults.hangs.push({ pod, calls });
  else same.calls = same.calls === null || calls === null ? null : same.calls + calls;
  const whose = scope.pod === undefined ? "" : ` of pod ${scope.pod}`;
  const which = scope.calls === undefined ? "create calls" : `the next ${scope.calls} create call(s)`;
  say(ctx, "disk", `storage hangs: ${which}${whose} now wait after reserving their name`);
}

/** How a waiting call returns: its slow step finishes, fails (the stat or snapshot errors), or never returns. */
export type Outcome = "finish" | "fail" | "stuck";

export interface ResumeScope {
  /** Only this pod's storage answers again (its hangs end, its waiting calls return). */
  pod?: string | undefined;
  /** Only this waiting call returns; the storage stays as it is for every other call. */
  call?: string | undefined;
}

/** The storage answers again (or one call returns); waiting calls return as `waiting` says. */
export function resumeStorage(w: World, ctx: Ctx, scope: ResumeScope, waiting: Outcome): ReturnedCall[] {
  if (scope.call === undefined) w.faults.hangs = w.faults.hangs.filter((h) => scope.pod !== undefined && h.pod !== scope.pod);
  const covered = (c: InFlightCall) => (scope.call !== undefined ? c.id === scope.call : scope.pod === undefined || c.pod === scope.pod);
  const whose = scope.call !== undefined ? `call ${scope.call}` : scope.pod !== undefined ? `pod ${scope.pod}'s storage` : "storage";
  say(ctx, "disk", `${whose} answers again; calls waiting on it ${waiting === "finish" ? "finish now" : waiting === "fail" ? "fail now" : "stay stuck"}`);
  if (waiting === "stuck") {
    for (const call of w.cri.inFlight) if (covered(call)) call.stuck = true;
    return [];
  }
  const returning = w.cri.inFlight.filter((c) => covered(c) && !c.stuck);
  w.cri.inFlight = w.cri.inFlight.filter((c) => !returning.includes(c));
  const returned: ReturnedCall[] = [];
  for (const call of returning) {
    // containerd died inside an earlier one (crash.ts): the others died with it.
    if (w.cri.phase !== "up") break;
    // The call is served again: its own crash points can fire.
    ctx.serving = call.kind;
    const result = returnLate(w, ctx, call, waiting);
    delete ctx.serving;
    say(ctx, "cri", `${call.kind} ${call.id} returns late: ${result.ok ? "ok" : result.error}`);
    // The handler's result reaches every caller whose deadline has not passed (grpc-go call.go:ClientConn.Invoke under the context's deadline).
    report(ctx, { kind: "call returned", call: call.id, result, at: w.clock.seconds });
    returned.push({ call, result });
  }
  return returned;
}

/**
 * A waiting call goes on. Past its caller's deadline its context is canceled, which in
 * containerd 1.6.20 only the steps that leave the process notice: CreateContainer's are all
 * in-process (the CRI plugin's client reaches the containers, snapshots and leases services
 * directly, pkg/cri/cri.go:getServicesOpts, and their bolt transactions never look at the
 * context, metadata/bolt.go:update), so a late create commits; RunPodSandbox's network setup
 * and shim calls do notice (sandbox-run.ts), so a late sandbox fails and rolls back.
 */
function returnLate(w: World, ctx: Ctx, call: InFlightCall, waiting: Exclude<Outcome, "stuck">): CallResult {
  // A variant that released the name when the caller went has the work rolled back instead.
  if (call.canceled) return failed("context canceled");
  if (waiting === "fail") {
    // The deferred ReleaseByName of container_create.go / sandbox_run.go; nothing else was written yet.
    releaseByName(call.kind === "createContainer" ? w.cri.containerNames : w.cri.sandboxNames, call.name);
    say(ctx, "cri", `${call.kind} ${call.id} rolled back, name ${call.name} released`);
    return failed(
      call.kind === "createContainer"
        ? `failed to generate container ${JSON.stringify(call.id)} spec: failed to stat volume of pod ${call.pod}: host is down`
        : `failed to create containerd container: failed to prepare snapshot: input/output error`,
    );
  }
  return call.kind === "createContainer"
    ? finishCreateContainer(w, ctx, { id: call.id, sandboxId: call.sandboxId, name: call.containerName, attempt: call.attempt, deadline: call.deadline }, call.name)
    : finishRunPodSandbox(w, ctx, { id: call.id, pod: call.pod, attempt: call.attempt, deadline: call.deadline }, call.name);
}
