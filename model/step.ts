// The transition function: (world, event, config) -> { world, log, call, reports }. Pure: immer
// produces the next world, nothing else is touched. An event that does not apply leaves
// the world as it was and says why in the log, so every random sequence is legal.
import { produce } from "immer";
import type { Event } from "./events.ts";
import type { World } from "./world.ts";
import type { Config } from "./config.ts";
import { say, type Ctx, type LogLine } from "./log.ts";
import type { Report } from "./ledger.ts";
import { cri } from "./cri/api.ts";
import type { CallResult } from "./cri/call.ts";
import { startContainerd, stopContainerd } from "./cri/recover.ts";
import { taskExited } from "./cri/exit-handler.ts";
import { timePasses } from "./cri/timers.ts";
import { addPod, deletePod } from "./kubelet/pods.ts";
import { planSyncPod, syncPod } from "./kubelet/sync-pod.ts";
import { garbageCollect } from "./kubelet/gc.ts";
import { callReturned, runtimeGone } from "./kubelet/pod-worker.ts";
import { hangStorage, resumeStorage } from "./cri/storage.ts";
import { callDeadline } from "./kubelet/remote-runtime.ts";

export interface StepResult {
  world: World;
  log: LogLine[];
  /** The CRI call's result, for cri.* events. */
  call: CallResult | null;
  /** What the handlers told the observer (ledger.ts). */
  reports: Report[];
}

export interface StepOptions {
  /** Build the log (default true). */
  log?: boolean;
}

export function step(world: World, event: Event, config: Config, options: StepOptions = {}): StepResult {
  const ctx: Ctx = { config, log: options.log === false ? null : [], reports: [] };
  // The kubelet decides on what it listed before it acts, so its plan is made on the world as
  // it is, outside the draft; a sync with nothing to do changes nothing.
  if (event.type === "kubelet.sync") {
    const plan = planSyncPod(world, ctx, event.pod);
    const next = plan ? produce(world, (w) => syncPod(w, ctx, plan)) : world;
    return { world: next, log: ctx.log ?? [], call: null, reports: ctx.reports };
  }
  let call: CallResult | null = null;
  const next = produce(world, (w) => {
    call = apply(w, ctx, event);
  });
  return { world: next, log: ctx.log ?? [], call, reports: ctx.reports };
}

/** Every event but kubelet.sync, which step() plans first. A trace's CRI calls are made as the kubelet's CRI client makes them, deadlines included. */
function apply(w: World, ctx: Ctx, e: Exclude<Event, { type: "kubelet.sync" }>): CallResult | null {
  switch (e.type) {
    case "pod.add":
      addPod(w, ctx, e.pod, e.containers, e.restartPolicy ?? "Always");
      return null;
    case "pod.delete":
      deletePod(w, ctx, e.pod);
      return null;
    case "kubelet.gc":
      garbageCollect(w, ctx);
      return null;
    case "cri.runPodSandbox":
      return cri.runPodSandbox(w, ctx, { id: e.id, pod: e.pod, attempt: e.attempt, deadline: callDeadline(w, "runPodSandbox") });
    case "cri.stopPodSandbox":
      return cri.stopPodSandbox(w, ctx, e.id);
    case "cri.removePodSandbox":
      return cri.removePodSandbox(w, ctx, e.id);
    case "cri.createContainer":
      return cri.createContainer(w, ctx, { id: e.id, sandboxId: e.sandbox, name: e.name, attempt: e.attempt, deadline: callDeadline(w, "createContainer") });
    case "cri.startContainer":
      return cri.startContainer(w, ctx, e.id);
    case "cri.stopContainer":
      return cri.stopContainer(w, ctx, e.id);
    case "cri.removeContainer":
      return cri.removeContainer(w, ctx, e.id);
    case "process.exit":
      if (w.shim.tasks[e.id]?.status !== "running") say(ctx, "shim", `no running process for ${e.id}`);
      else taskExited(w, ctx, e.id, e.code);
      return null;
    case "containerd.stop":
      stopContainerd(w, ctx);
      runtimeGone(w, ctx);
      return null;
    case "containerd.start":
      startContainerd(w, ctx, e.order);
      return null;
    case "disk.fill":
      w.disk.room = 0;
      say(ctx, "disk", "full: every write fails with ENOSPC");
      return null;
    case "disk.free":
      w.disk.room = null;
      say(ctx, "disk", "room again");
      return null;
    case "disk.room":
      w.disk.room = e.writes;
      say(ctx, "disk", `nearly full: room for ${e.writes} more write(s)`);
      return null;
    case "storage.hang":
      hangStorage(w, ctx);
      return null;
    case "storage.resume":
      for (const returned of resumeStorage(w, ctx, e.waiting ?? "finish")) callReturned(w, ctx, returned);
      return null;
    case "clock.tick":
      w.clock.seconds += e.seconds;
      say(ctx, "cri", `${e.seconds}s pass`);
      timePasses(w, ctx);
      return null;
  }
}
