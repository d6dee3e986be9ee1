// Lowering (restart-sim lower): a trace whose kubelet events become the CRI calls the model's
// kubelet made during them, with their ids, names and attempts, in the order it made them, so
// that a real containerd, which has no kubelet beside it, can run it. The calls come from what
// the CRI API reports of every call it takes (model/cri/api.ts), never from the log's text.
import type { Event, EventType } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import type { Trace } from "../model/trace.ts";
import { run } from "./run.ts";
import { Callers, got, type Got } from "./callers.ts";

/** The events only a kubelet acts on: the API server's pods, and the kubelet's own loops. */
export const kubeletEventTypes: ReadonlySet<EventType> = new Set<EventType>(["pod.add", "pod.delete", "kubelet.sync", "kubelet.gc"]);

/** Where an event of the lowered trace comes from. */
export interface Origin {
  /** Index of the event in the original trace: the event itself, or the one during which the kubelet made this call. */
  event: number;
  /** Set for a call the kubelet made: the result it finally got (callers.ts), which the lowered call gets too. */
  kubeletCall?: Got;
}

export interface Lowered {
  trace: Trace;
  /** One per event of the lowered trace. */
  origins: Origin[];
}

/**
 * Runs the trace under `config` and writes every kubelet event as the calls the kubelet made
 * in it (none: the event goes). Every other event stays in place; a call the kubelet makes
 * during one of them (a create that returns late, storage.resume, is then started) follows it,
 * since the kubelet acts on what that event returned. `source` names the trace in the
 * description (its file).
 */
export function lowerTrace(trace: Trace, config: Config, source: string): Lowered {
  const events: Event[] = [];
  const origins: Origin[] = [];
  const callers = new Callers();
  run(trace.events, config, {
    log: false,
    after: ({ index, event, step }) => {
      if (!kubeletEventTypes.has(event.type)) {
        events.push(event);
        origins.push({ event: index });
      }
      // A trace's cri.* event makes one call, its own (no CRI handler calls the kubelet); any
      // other call in its reports would be the kubelet's, and the equivalence test would see it.
      const own = event.type.startsWith("cri.") ? 1 : 0;
      callers.note(step.reports, ({ call, result }, nth) => {
        if (nth < own) return null;
        const kubeletCall = got(result);
        events.push(call);
        origins.push({ event: index, kubeletCall });
        return kubeletCall;
      });
    },
  });
  const replaced = trace.events.filter((e) => kubeletEventTypes.has(e.type)).length;
  const made = origins.filter((o) => o.kubeletCall).length;
  // The kubelet's calls depend on the configuration and the disk layout: the lowered trace names both.
  const layout = config.disk.layout === "split" ? "" : `, disk ${config.disk.layout}`;
  const description =
    `Lowered from ${source} (trace ${JSON.stringify(trace.name)}) under ${config.name}${layout}: its ${replaced} kubelet event(s) replaced by ` +
    `the ${made} CRI call(s) the model's kubelet made in them, in order. The calls depend on the configuration: replay it under ` +
    `${config.name}${layout}. Original description: ${trace.description}`;
  const lowered: Trace = { name: `${trace.name}-lowered`, description, config: config.name, ...(layout ? { disk: config.disk.layout } : {}), events };
  return { trace: lowered, origins };
}
