// The CRI RuntimeService as its clients reach it: every call goes through the gRPC server,
// which answers Unavailable while containerd is down (and before recover() has finished,
// instrumented_service.go). Trace events and the kubelet both call through here, and every
// call is reported to the observer as the cri.* event that would make it, with its result, so
// that the kubelet's calls can be written out as a CRI-only trace (restart-sim lower).
import type { World } from "../world.ts";
import type { Event } from "../events.ts";
import { report, say, type Ctx } from "../log.ts";
import { failed, type CallResult } from "./call.ts";
import { runPodSandbox, type RunPodSandboxRequest } from "./sandbox-run.ts";
import { stopPodSandbox } from "./sandbox-stop.ts";
import { removePodSandbox } from "./sandbox-remove.ts";
import { createContainer, type CreateContainerRequest } from "./container-create.ts";
import { startContainer } from "./container-start.ts";
import { stopContainer } from "./container-stop.ts";
import { removeContainer } from "./container-remove.ts";
import { runtimeGone } from "../kubelet/remote-runtime.ts";

export const unavailable = "rpc error: code = Unavailable desc = connection error: dial unix /run/containerd/containerd.sock: connect: connection refused";

/** A CRI call as a trace writes it: one of the catalogue's cri.* events. */
export type CriCall = Extract<Event, { type: `cri.${string}` }>;

function call(w: World, ctx: Ctx, made: CriCall, what: string, handler: () => CallResult): CallResult {
  say(ctx, "kubelet", what, "cri");
  const outer = ctx.serving;
  ctx.serving = made.type.slice("cri.".length);
  const result = w.cri.phase === "up" ? handler() : failed(unavailable);
  ctx.serving = outer;
  say(ctx, "cri", result.ok ? `${what}: ok` : `${what}: ${result.error}`, "kubelet");
  // containerd died inside the call: every other call of the kubelet's client breaks too. A
  // trace makes the same call die with the point as its crashAt.
  let as = made;
  if (!result.ok && result.crashed) {
    runtimeGone(w, ctx);
    // Only the served call's own points fire (crash.ts), so the point is one of this call's.
    as = { ...made, crashAt: result.crashed } as CriCall;
  }
  report(ctx, { kind: "cri call", call: as, result });
  return result;
}

// Return types written out: the Event type is inferred from the catalogue, whose handlers
// return what these return, and CriCall is made of Event.
export const cri = {
  runPodSandbox: (w: World, ctx: Ctx, req: RunPodSandboxRequest): CallResult =>
    call(w, ctx, { type: "cri.runPodSandbox", pod: req.pod, id: req.id, attempt: req.attempt }, `RunPodSandbox ${req.id} (pod ${req.pod}, attempt ${req.attempt})`, () =>
      runPodSandbox(w, ctx, req),
    ),
  stopPodSandbox: (w: World, ctx: Ctx, id: string): CallResult =>
    call(w, ctx, { type: "cri.stopPodSandbox", id }, `StopPodSandbox ${id}`, () => stopPodSandbox(w, ctx, id)),
  removePodSandbox: (w: World, ctx: Ctx, id: string): CallResult =>
    call(w, ctx, { type: "cri.removePodSandbox", id }, `RemovePodSandbox ${id}`, () => removePodSandbox(w, ctx, id)),
  createContainer: (w: World, ctx: Ctx, req: CreateContainerRequest): CallResult =>
    call(
      w,
      ctx,
      { type: "cri.createContainer", id: req.id, sandbox: req.sandboxId, name: req.name, attempt: req.attempt },
      `CreateContainer ${req.id} (${req.name}, attempt ${req.attempt}, sandbox ${req.sandboxId})`,
      () => createContainer(w, ctx, req),
    ),
  startContainer: (w: World, ctx: Ctx, id: string): CallResult =>
    call(w, ctx, { type: "cri.startContainer", id }, `StartContainer ${id}`, () => startContainer(w, ctx, id)),
  stopContainer: (w: World, ctx: Ctx, id: string): CallResult =>
    call(w, ctx, { type: "cri.stopContainer", id }, `StopContainer ${id}`, () => stopContainer(w, ctx, id)),
  removeContainer: (w: World, ctx: Ctx, id: string): CallResult =>
    call(w, ctx, { type: "cri.removeContainer", id }, `RemoveContainer ${id}`, () => removeContainer(w, ctx, id)),
};
