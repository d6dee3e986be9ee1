// Trace files (design.md, "Trace files"): parsed and validated into one clear error line
// that names the event index and the field, never an exception.
import { eventSchema, traceSchema, type Event } from "./events.ts";
import { parseConfig } from "./config.ts";
import type { DiskLayout } from "./disk.ts";
import type { ContainerdReleaseName } from "./releases.ts";

export interface Trace {
  name: string;
  description: string;
  config?: string;
  /** The disk layout it was written for (default "split"). */
  disk?: DiskLayout;
  /** The containerd release it was written for (default "1.6"). */
  containerd?: ContainerdReleaseName;
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
  const configError = top.data.config === undefined ? null : parseConfig(top.data.config);
  if (configError && !configError.ok) return { ok: false, error: `trace: field "config": ${configError.error}` };
  const events: Event[] = [];
  for (const [index, raw] of top.data.events.entries()) {
    const parsed = eventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const type = typeof raw === "object" && raw !== null && "type" in raw ? (raw as { type: unknown }).type : undefined;
      const what =
        issue.path[0] !== "type" && issue.code !== "invalid_union"
          ? describeIssue(issue)
          : type === undefined
            ? `field "type" is missing`
            : `unknown event type ${JSON.stringify(type)}`;
      return { ok: false, error: `event ${index}${typeof type === "string" ? ` (${type})` : ""}: ${what}` };
    }
    events.push(parsed.data);
  }
  const idError = checkIds(events);
  if (idError) return { ok: false, error: idError };
  const { name, description, config, disk, containerd } = top.data;
  return {
    ok: true,
    trace: { name, description, ...(config === undefined ? {} : { config }), ...(disk === undefined ? {} : { disk }), ...(containerd === undefined ? {} : { containerd }), events },
  };
}

/** Keys every JavaScript object already has: the model keeps its records in plain objects keyed by these labels. */
const objectKeys = new Set(Object.getOwnPropertyNames(Object.prototype));

// The API server's checks of a pod's names (kubernetes pkg/apis/core/validation/validation.go:
// ValidatePodName is NameIsDNSSubdomain, validateContainers wants DNS-1123 labels, each once).
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const isPodName = (name: string) => name.length <= 253 && name.split(".").every((part) => dns1123Label.test(part));
const isContainerName = (name: string) => name.length <= 63 && dns1123Label.test(name);

/** The labels an event names things by, with their fields. */
function labels(e: Event): [field: string, label: string][] {
  const named: [string, string][] = [];
  for (const field of ["pod", "id", "sandbox", "name", "call"] as const) {
    const value = (e as Partial<Record<typeof field, string>>)[field];
    if (value !== undefined) named.push([field, value]);
  }
  if (e.type === "pod.add") named.push(...e.containers.map((c, i): [string, string] => [`containers.${i}`, c]));
  if (e.type === "containerd.start") named.push(...(e.order ?? []).map((id, i): [string, string] => [`order.${i}`, id]));
  return named;
}

/**
 * What the API server or the runtime would never let happen, so that no trace can make the
 * model report what a real node could not: every id an event refers to is created by an
 * earlier event, and created only once; a pod is added once, with valid and distinct names,
 * before the kubelet syncs or deletes it.
 */
export function checkIds(events: readonly Event[]): string | null {
  const created = new Set<string>();
  // Only a syncing kubelet makes ids of its form, so only beside one could such an id be
  // taken twice; a CRI-only trace (restart-sim lower's) keeps the ids the kubelet made.
  const kubeletCreates = events.some((e) => e.type === "kubelet.sync");
  /** The pods added, by name: their containers, the event that added them, and the one that deleted them. */
  const pods = new Map<string, { containers: readonly string[]; added: number; deleted: number | null; synced: boolean }>();
  const known = (id: string): boolean => {
    if (created.has(id)) return true;
    const kubelet = kubeletIdPattern.exec(id);
    const pod = kubelet ? pods.get(kubelet[1]!) : undefined;
    // Only a synced pod has had the kubelet create anything, and only for its own containers.
    return pod !== undefined && pod.synced && (kubelet![2] === undefined || pod.containers.includes(kubelet![2].slice(1)));
  };
  for (const [index, e] of events.entries()) {
    const at = `event ${index} (${e.type})`;
    const refer = (field: string, id: string): string | null =>
      known(id) ? null : `${at}: field "${field}": id ${JSON.stringify(id)} was never created by an earlier event`;
    const taken = labels(e).find(([, label]) => objectKeys.has(label));
    if (taken) return `${at}: field "${taken[0]}": ${JSON.stringify(taken[1])} cannot be used as a label: every JavaScript object has that key, and the model keeps its records in such objects`;
    let error: string | null = null;
    switch (e.type) {
      case "pod.add": {
        const before = pods.get(e.pod);
        if (!isPodName(e.pod)) {
          error = `${at}: field "pod": ${JSON.stringify(e.pod)} is not a valid pod name (the API server wants a lowercase RFC 1123 subdomain: a-z, 0-9, "-" and ".")`;
        } else if (before && before.deleted === null) {
          error = `${at}: field "pod": pod ${JSON.stringify(e.pod)} already exists (added by event ${before.added}); the API server refuses a second pod of that name`;
        } else if (before) {
          error = `${at}: field "pod": pod ${JSON.stringify(e.pod)} was added by event ${before.added} and deleted by event ${before.deleted}; a new pod of that name would have a new UID, which a trace cannot give it`;
        }
        for (const [i, name] of e.containers.entries()) {
          if (error) break;
          if (!isContainerName(name)) {
            error = `${at}: field "containers.${i}": ${JSON.stringify(name)} is not a valid container name (the API server wants a lowercase RFC 1123 label of at most 63 characters: a-z, 0-9 and "-")`;
          } else if (e.containers.indexOf(name) !== i) {
            error = `${at}: field "containers.${i}": container name ${JSON.stringify(name)} is listed twice; the API server refuses a pod whose containers share a name`;
          }
        }
        pods.set(e.pod, { containers: e.containers, added: index, deleted: null, synced: false });
        break;
      }
      case "pod.delete":
      case "kubelet.sync": {
        const pod = pods.get(e.pod);
        if (!pod) error = `${at}: field "pod": pod ${JSON.stringify(e.pod)} was never added by an earlier pod.add`;
        else if (e.type === "pod.delete") pod.deleted ??= index;
        else pod.synced = true;
        break;
      }
      case "cri.runPodSandbox":
      case "cri.createContainer":
        if (created.has(e.id)) {
          error = `${at}: field "id": id ${JSON.stringify(e.id)} is already used (ids are unique)`;
        } else if (kubeletCreates && kubeletIdPattern.test(e.id)) {
          error = `${at}: field "id": id ${JSON.stringify(e.id)} has the form of the kubelet's ids ("<pod>#<n>", "<pod>:<container>#<n>") in a trace where the kubelet syncs; choose another`;
        } else if (e.type === "cri.createContainer") {
          error = refer("sandbox", e.sandbox);
        }
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
      case "storage.resume":
        if (e.call !== undefined) error = refer("call", e.call);
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
