// Which of the model's bolt freelist choices a run took (model/disk.ts: Freelist). Whether a
// bolt commit that rewrites a record finds pages freed by earlier commits inside meta.db
// (bbolt freelist.go:allocate) or takes a new block depends on every commit since meta.db was
// made (node sizes, which pages each commit freed, read transactions still open when the next
// one starts: db.go:freePages), which no run reveals and the model does not follow. So a trace
// that fills the disk is held to the model with each fill's default ("grow") first and, if that
// disagrees, with "reuse" at some of its disk.fill / disk.room events; the report names the one
// that agreed.
import type { Event } from "../model/events.ts";

/** Fills tried with every combination of choices; past this many, all "reuse" at once only. */
const mostCombined = 6;

/** The events with "reuse" at each non-empty set of the fills that name no freelist, and which set it was. */
export function* freelistChoices(events: readonly Event[]): Generator<{ run: Event[]; schedule: string }> {
  const fills = events.flatMap((e, i) => ((e.type === "disk.fill" || e.type === "disk.room") && e.freelist === undefined ? [i] : []));
  const all = (1 << fills.length) - 1;
  const sets = fills.length <= mostCombined ? Array.from({ length: all }, (_, k) => k + 1) : [all];
  for (const set of sets) {
    const reused = fills.filter((_, k) => set & (1 << k));
    const run = events.map((e, i) => (reused.includes(i) && (e.type === "disk.fill" || e.type === "disk.room") ? { ...e, freelist: "reuse" as const } : e));
    yield { run, schedule: `bolt's freelist held pages for record updates (freelist "reuse") from ${reused.map((i) => `${events[i]!.type} #${i}`).join(", ")}` };
  }
}
