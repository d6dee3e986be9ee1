// The result of one CRI call, as the kubelet (or a trace) sees it.
export type CallResult =
  | { ok: true }
  | {
      ok: false;
      error: string;
      /** The call did not return: it is still running inside containerd, as this in-flight call. */
      pending?: string;
      /** The name was reserved for another id. */
      conflict?: { name: string; holder: string };
      /** containerd died at this point of the call (crash.ts): the connection closed. */
      crashed?: string;
    };

export const ok: CallResult = { ok: true };

export function failed(error: string, more: { conflict?: { name: string; holder: string } } = {}): CallResult {
  return { ok: false, error, ...more };
}

/** What the caller sees of a call that outlives its deadline: the call itself goes on. */
export function pending(call: string): CallResult {
  return { ok: false, error: "rpc error: code = DeadlineExceeded desc = context deadline exceeded", pending: call };
}

/** containerStore.Get / sandboxStore.Get miss, as the CRI handlers wrap it. */
export function notFound(kind: "container" | "sandbox", id: string): CallResult {
  return failed(`an error occurred when try to find ${kind} ${JSON.stringify(id)}: not found`);
}
