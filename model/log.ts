// What a transition says it did: one line per action, attributed to the part that acted,
// so that the timeline and the sequence diagrams can be drawn from it; and what it reports
// to the observer (ledger.ts).
import type { Config } from "./config.ts";
import type { Report } from "./ledger.ts";
import type { World } from "./world.ts";

export type Part = "kubelet" | "cri" | "shim" | "disk" | "metadata";
export const parts: readonly Part[] = ["kubelet", "cri", "shim", "disk", "metadata"];

export interface LogLine {
  part: Part;
  /** Set when the line is a message to another part (a call, a reply, a write). */
  to?: Part;
  text: string;
  /** Set when the real containerd prints this line, at that logrus level. */
  level?: "info" | "warn" | "error" | "fatal";
  /** Set on what follows every change and says nothing by itself (a successful status write). */
  routine?: true;
}

/** Everything a transition needs besides the world: the variant under test and two sinks. */
export interface Ctx {
  config: Config;
  /** null when nobody reads the log (random runs), so no text is built. */
  log: LogLine[] | null;
  /** What the handlers tell the observer (ledger.ts); the model never reads it back. */
  reports: Report[];
  /** The world the step writes in place, the caller's own, made from the world it was given when it first writes (step.ts); else immer copies. */
  own?: (world: World) => World;
  /** The CRI call being served (cri/api.ts, a late call's return): only its own crash points fire (cri/crash.ts). */
  serving?: string;
}

/** Tells the observer what happened: something created, a situation passed through. */
export function report(ctx: Ctx, what: Report): void {
  ctx.reports.push(what);
}

export function say(ctx: Ctx, part: Part, text: string, to?: Part): void {
  if (ctx.log) ctx.log.push(to ? { part, to, text } : { part, text });
}

/** A routine line: kept in the timeline, left out of the diagrams. */
export function sayRoutine(ctx: Ctx, part: Part, text: string, to: Part): void {
  if (ctx.log) ctx.log.push({ part, to, text, routine: true });
}

/** A line the real containerd logs: `level=<level> msg="<msg>" error="<error>"`. */
export function containerdLog(ctx: Ctx, level: NonNullable<LogLine["level"]>, msg: string, error?: string): void {
  if (!ctx.log) return;
  const text = error === undefined ? `msg=${JSON.stringify(msg)}` : `msg=${JSON.stringify(msg)} error=${JSON.stringify(error)}`;
  ctx.log.push({ part: "cri", text, level });
}
