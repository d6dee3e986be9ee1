// What the CRI plugin does as time passes (clock.tick): cancellations of callers whose
// deadline went by, the exit back-off retries that are due, and, for variants that have them,
// rewrites of statuses held only in memory.
import type { World } from "../world.ts";
import type { Ctx } from "../log.ts";
import { cancelAbandonedCalls } from "./in-flight.ts";
import { retryDueExits, rewriteMemoryOnlyStatuses } from "./exit-handler.ts";

export function timePasses(w: World, ctx: Ctx): void {
  if (w.cri.phase !== "up") return;
  cancelAbandonedCalls(w, ctx);
  retryDueExits(w, ctx);
  if (ctx.config.containerd.rewriteMemoryOnlyStatus) rewriteMemoryOnlyStatuses(w, ctx);
}
