// The CRI RuntimeService as its clients reach it: every call goes through the gRPC server,
// which answers Unavailable while containerd is down (and before recover() has finished,
// instrumented_service.go). Trace events and the kubelet both call through here.
import type { World } from "../world.ts";
import { say, type Ctx } from "../log.ts";
import { failed, type CallResult } from "./call.ts";
import { runPodSandbox, type RunPodSandboxRequest } from "./sandbox-run.ts";
import { stopPodSandbox } from "./sandbox-stop.ts";
import { removePodSandbox } from "./sandbox-remove.ts";
import { createContainer, type CreateContainerRequest } from "./container-create.ts";
import { startContainer } from "./container-start.ts";
import { stopContainer } from "./container-stop.ts";
import { removeContainer } from "./container-remove.ts";

export const unavailable = "rpc error: code = Unavailable desc = connection error: dial unix /run/containerd/containerd.sock: connect: connection refused";

function call(w: World, ctx: Ctx, what: string, handler: () => CallResult): CallResult {
  say(ctx, "kubelet", what, "cri");
  const result = w.cri.phase === "up" ? handler() : failed(unavailable);
  say(ctx, "cri", result.ok ? `${what}: ok` : `${what}: ${result.error}`, "kubelet");
  return result;
}

export const cri = {
  runPodSandbox: (w: World, ctx: Ctx, req: RunPodSandboxRequest) =>
    call(w, ctx, `RunPodSandbox ${req.id} (pod ${req.pod}, attempt ${req.attempt})`, () => runPodSandbox(w, ctx, req)),
  stopPodSandbox: (w: World, ctx: Ctx, id: string) => call(w, ctx, `StopPodSandbox ${id}`, () => stopPodSandbox(w, ctx, id)),
  removePodSandbox: (w: World, ctx: Ctx, id: string) => call(w, ctx, `RemovePodSandbox ${id}`, () => removePodSandbox(w, ctx, id)),
  createContainer: (w: World, ctx: Ctx, req: CreateContainerRequest) =>
    call(w, ctx, `CreateContainer ${req.id} (${req.name}, attempt ${req.attempt}, sandbox ${req.sandboxId})`, () =>
      createContainer(w, ctx, req),
    ),
  startContainer: (w: World, ctx: Ctx, id: string) => call(w, ctx, `StartContainer ${id}`, () => startContainer(w, ctx, id)),
  stopContainer: (w: World, ctx: Ctx, id: string) => call(w, ctx, `StopContainer ${id}`, () => stopContainer(w, ctx, id)),
  removeContainer: (w: World, ctx: Ctx, id: string) => call(w, ctx, `RemoveContainer ${id}`, () => removeContainer(w, ctx, id)),
};
