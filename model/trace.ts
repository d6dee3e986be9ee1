// Trace files (design.md, "Trace files"): parsed and validated into one clear error line
// that names the event index and the field, never an exception.
import { eventSchema, traceSchema, type Event } from "./events.ts";

export interface Trace {
  name: string;
  description: string;
  config?: string;
  events: Event[];
}

export type TraceResult = { ok: true; trace: Trace } | { ok: false; error: string };

interface Issue {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  keys?: readonly string[];
}

function describeIssue(issue: Issue): string {
  const field = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys" && issue.keys) return `unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  return field ? `field "${field}": ${issue.message}` : issue.message;
}

/** Ids the kubelet's own calls get (kubelet/sync-pod.ts): "<pod>#<n>" and "<pod>:<container>#<n>". */
const kubeletIdPattern = /^([^:#]+)(:[^#]+)?#\d+$/;

export function parseTrace(text: string): TraceResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  const top = traceSchema.safeParse(json);
  if (!top.success) return { ok: false, error: `trace: ${describeIssue(top.error.issues[0]!)}` };
  const events: Event[] = [];
  for (const [index, raw] of top.data.events.entries()) {
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const type = typeof raw === "object" && raw !== null && "type" in raw ? (raw as { type: unknown }).type : undefined;
      const what = issue.path[0] === "type" || issue.code === "invalid_union" ? `unknown event type ${JSON.stringify(type)}` : describeIssue(issue);
      return { ok: false, error: `event ${index}${typeof type === "string" ? ` (${type})` : ""}: ${what}` };
    }
    events.push(parsed.data);
  }
  const idError = checkIds(events);
  if (idError) return { ok: false, error: idError };
  const { name, description, config } = top.data;
  return { ok: true, trace: config === undefined ? { name, description, events } : { name, description, config, events } };
}

/** Every id an event refers to must be created by an earlier event, and created only once. */
export function checkIds(events: readonly Event[]): string | null {
  const created = new Set<string>();
  const pods = new Set<string>();
  let synced = false;
  const known = (id: string): boolean => {
    if (created.has(id)) return true;
    const kubelet = kubeletIdPattern.exec(id);
    return kubelet !== null && synced && pods.has(kubelet[1]!);
  };
  for (const [index, e] of events.entries()) {
    const at = `event ${index} (${e.type})`;
    const refer = (field: string, id: string): string | null =>
      known(id) ? null : `${at}: field "${field}": id ${JSON.stringify(id)} was never created by an earlier event`;
    let error: string | null = null;
    switch (e.type) {
      case "pod.add":
        pods.add(e.pod);
        break;
      case "kubelet.sync":
        synced = true;
        break;
      case "cri.runPodSandbox":
      case "cri.createContainer":
        if (created.has(e.id) || kubeletIdPattern.test(e.id)) {
          error = `${at}: field "id": id ${JSON.stringify(e.id)} is already used (ids are unique; "<pod>#<n>" ids are the kubelet's)`;
        } else if (e.type === "cri.createContainer") {
          error = refer("sandbox", e.sandbox);
        }
        if (e.type === "cri.runPodSandbox") pods.add(e.pod);
        created.add(e.id);
        break;
      case "cri.stopPodSandbox":
      case "cri.removePodSandbox":
      case "cri.startContainer":
      case "cri.stopContainer":
      case "cri.removeContainer":
      case "process.exit":
        error = refer("id", e.id);
        break;
      case "containerd.start":
        for (const [i, id] of (e.order ?? []).entries()) {
          error ??= refer(`order.${i}`, id);
          if (!error && e.order!.indexOf(id) !== i) error = `${at}: field "order.${i}": id ${JSON.stringify(id)} is listed twice`;
        }
        break;
    }
    if (error) return error;
  }
  return null;
}
