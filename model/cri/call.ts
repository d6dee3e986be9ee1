// The result of one CRI call, as the kubelet (or a trace) sees it.
export type CallResult = { ok: true } | { ok: false; error: string };

export const ok: CallResult = { ok: true };

export function failed(error: string): CallResult {
  return { ok: false, error };
}

/** containerStore.Get / sandboxStore.Get miss, as the CRI handlers wrap it. */
export function notFound(kind: "container" | "sandbox", id: string): CallResult {
  return failed(`an error occurred when try to find ${kind} ${JSON.stringify(id)}: not found`);
}
