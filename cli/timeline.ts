// The human-readable timeline of a replay: one block per event, with what each part did,
// the CRI call results, the lines the real containerd would log, and new violations.
import type { Event } from "../model/events.ts";
import type { LogLine } from "../model/log.ts";
import type { TimelineEntry } from "../properties/replay.ts";

export function describeEvent(e: Event): string {
  const { type, ...fields } = e;
  const args = Object.entries(fields)
    // A kubelet.sync's crash point reads as call.point.
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(",")}]` : typeof v === "object" && v !== null ? Object.values(v).join(".") : String(v)}`)
    .join(" ");
  return args ? `${type} ${args}` : type;
}

function formatLine(line: LogLine): string {
  if (line.level) return `    containerd | level=${line.level} ${line.text}`;
  const who = line.to ? `${line.part} -> ${line.to}` : line.part;
  return `    ${who.padEnd(18)} ${line.text}`;
}

export function formatTimeline(entries: readonly TimelineEntry[]): string {
  const out: string[] = [];
  for (const entry of entries) {
    out.push(`[${entry.index}] ${describeEvent(entry.event)}`);
    for (const line of entry.log) out.push(formatLine(line));
    for (const v of entry.violations) out.push(`    VIOLATED ${v.property}: ${v.message}`);
  }
  return out.join("\n");
}
