// What each CRI call's caller finally got. A call still in flight at its event is reported
// there as DeadlineExceeded (model/cri/call.ts: pending); if it returns before its caller's
// deadline, the caller gets its result instead, as a gRPC unary call returns the handler's
// result unless the context's deadline passes first (grpc-go call.go:ClientConn.Invoke). A
// call that returns later, or never (stuck, forgotten by a containerd restart), stays
// DeadlineExceeded. Replay's observation and the lowering's origins both record calls this way.
import type { Report } from "../model/ledger.ts";
import type { CallResult } from "../model/cri/call.ts";

/** A call as the CRI API reports it (model/cri/api.ts). */
export type CallMade = Extract<Report, { kind: "cri call" }>;

/** A call's result as an observation records it. */
export interface Got {
  ok: boolean;
  error: string | null;
}

export function got(result: CallResult): Got {
  return { ok: result.ok, error: result.ok ? null : result.error };
}

/** The callers still waiting on calls in flight, with the entries their results go into. */
export class Callers {
  private waiting: { call: string; deadline: number; entry: Got }[] = [];

  /**
   * One event's reports, in order. `record` turns the event's n-th call into the entry it
   * records (or null if nothing records it); an entry of a call in flight is rewritten with
   * the call's result if it returns before the caller's deadline.
   */
  note(reports: readonly Report[], record: (made: CallMade, nth: number) => Got | null): void {
    let nth = 0;
    for (const r of reports) {
      if (r.kind === "cri call") {
        const entry = record(r, nth++);
        if (entry && !r.result.ok && r.result.pending) this.waiting.push({ ...r.result.pending, entry });
      } else if (r.kind === "call returned") {
        for (const w of this.waiting) if (w.call === r.call && r.at < w.deadline) Object.assign(w.entry, got(r.result));
        this.waiting = this.waiting.filter((w) => w.call !== r.call);
      }
    }
  }
}
