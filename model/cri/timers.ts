// What the CRI plugin does as time passes (clock.tick): cancellations of callers whose
// deadline went by, the exit back-off retries that are due, and, for variants that have them,
// rewrites of statuses held only in memory.
import type { World } from "../world.ts";
import type { Ctx } from "../log.ts";
import { cancelAbandonedCalls } from "./in-flight.ts";
import { retryDueExits, rewriteMemoryOnlyStatuses } from "./exit-handler.ts";
import { collectGarbage } from "../disk.ts";

export function timePasses(w: World, ctx: Ctx): void {
  if (w.cri.phase !== "up") return;
  collectGarbage(w, ctx);
  cancelAbandonedCalls(w, ctx);
  retryDueExits(w, ctx);
  if (ctx.config.containerd.rewriteMemoryOnlyStatus) rewriteMemoryOnlyStatuses(w, ctx);
}

/**
 * A call blocked until `done` or its caller's deadline (container_stop.go:waitContainerStop
 * selects on ctx.Done() and container.Stopped()): the time passes meanwhile, and with it what
 * runs on containerd's own clock, such as the exit back-off's retries (events.go:start, its
 * ticker), which may store the exit first. True when `done` came first (the clock stops there).
 */
export function waitUntil(w: World, ctx: Ctx, deadline: number, done: () => boolean): boolean {
  while (w.clock.seconds < deadline) {
    const retries = w.cri.backoff.map((e) => e.due).filter((due) => due > w.clock.seconds);
    w.clock.seconds = Math.min(deadline, ...retries);
    timePasses(w, ctx);
    if (done()) return true;
  }
  return false;
}
