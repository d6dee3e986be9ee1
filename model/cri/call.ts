// The result of one CRI call, as the kubelet (or a trace) sees it.
export type CallResult =
  | { ok: true }
  | {
      ok: false;
      error: string;
      /** The call did not return: it is still running inside containerd, as this in-flight call, and its caller waits for it until this deadline. */
      pending?: { call: string; deadline: number };
      /** The name was reserved for another id. */
      conflict?: { name: string; holder: string };
      /** containerd died at this point of the call (crash.ts): the connection closed. */
      crashed?: string;
    };

export const ok: CallResult = { ok: true };

export function failed(error: string, more: { conflict?: { name: string; holder: string } } = {}): CallResult {
  return { ok: false, error, ...more };
}

/**
 * What the caller sees at its event of a call that does not return: DeadlineExceeded, unless
 * the call returns before `deadline` (the observer then records that result, properties/callers.ts).
 */
export function pending(call: string, deadline: number): CallResult {
  return { ok: false, error: "rpc error: code = DeadlineExceeded desc = context deadline exceeded", pending: { call, deadline } };
}

/** containerStore.Get / sandboxStore.Get miss, as the CRI handlers wrap it. */
export function notFound(kind: "container" | "sandbox", id: string): CallResult {
  return failed(`an error occurred when try to find ${kind} ${JSON.stringify(id)}: not found`);
}
