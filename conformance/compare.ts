// Field-by-field comparison of the model's observation with the real daemon's (pure, no
// I/O). Where the real daemon is nondeterministic it compares only what is deterministic:
// the #7247 fatal names *some* duplicate and *either* holder, because containers load in
// parallel (errgroup in restart.go), so only the error's kind is compared and the rest is
// reported as "nondeterministic" (after checking the named duplicate really is one).
import type { Observation } from "../model/observation.ts";

export type Verdict = "agree" | "disagree" | "nondeterministic";

export interface FieldResult {
  /** e.g. `containerd`, `error`, `containers[B].state`, `calls[3].ok` */
  field: string;
  model: unknown;
  real: unknown;
  verdict: Verdict;
}

/** A gRPC status prefix ("UNKNOWN: ") is transport, not containerd's text. */
export function stripStatusCode(text: string): string {
  return text.replace(/^[A-Z_]+: /, "");
}

/** The stable part of an error: everything before the first quoted value. */
export function errorKind(text: string): string {
  const t = stripStatusCode(text);
  const q = t.indexOf('"');
  return (q < 0 ? t : t.slice(0, q)).trim();
}

const reserveName = /failed to reserve (container|sandbox) name "([^"]*)": name "([^"]*)" is reserved for "([^"]*)"/;

/** `<ctr>_<pod>_<ns>_<uid>_<attempt>` (helpers.go makeContainerName) -> ctr name and attempt. */
function parseContainerName(cri: string): { name: string; attempt: number } | undefined {
  const parts = cri.split("_");
  if (parts.length < 5) return undefined;
  const attempt = Number(parts.at(-1));
  return Number.isInteger(attempt) ? { name: parts[0]!, attempt } : undefined;
}

function duplicated(obs: Observation, name: string, attempt: number): boolean {
  return obs.containers.filter((c) => c.name === name && c.attempt === attempt).length >= 2;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function field(results: FieldResult[], path: string, model: unknown, real: unknown): void {
  results.push({ field: path, model: model ?? null, real: real ?? null, verdict: same(model, real) ? "agree" : "disagree" });
}

function compareError(results: FieldResult[], model: Observation, real: Observation): void {
  const m = model.error;
  const r = real.error;
  if (m === null || r === null) {
    field(results, "error", m, r);
    return;
  }
  const mk = errorKind(m);
  const rk = errorKind(r);
  results.push({ field: "error", model: mk, real: rk, verdict: mk === rk ? "agree" : "disagree" });
  if (mk !== rk) return;
  const mm = reserveName.exec(m);
  const rm = reserveName.exec(r);
  if (mm && rm) {
    // Which name and which holder: scheduling-dependent on the real daemon. Still check
    // that each side names a container name that really is duplicated on that side.
    const plausible = (match: RegExpExecArray, obs: Observation) => {
      if (match[1] === "sandbox") return true; // sandboxes carry no name in the observation
      const n = parseContainerName(match[2]!);
      return n !== undefined && duplicated(obs, n.name, n.attempt);
    };
    const ok = plausible(mm, model) && plausible(rm, real);
    results.push({
      field: "error.detail",
      model: stripStatusCode(m),
      real: stripStatusCode(r),
      verdict: same(stripStatusCode(m), stripStatusCode(r)) ? "agree" : ok ? "nondeterministic" : "disagree",
    });
    return;
  }
  field(results, "error.detail", stripStatusCode(m), stripStatusCode(r));
}

function byId<T extends { id: string }>(items: T[]): Map<string, T> {
  return new Map(items.map((i) => [i.id, i]));
}

function unionIds(a: { id: string }[], b: { id: string }[]): string[] {
  return [...new Set([...a.map((x) => x.id), ...b.map((x) => x.id)])];
}

/** Each item listed on either side, field by field; an item listed on one side only is one result. */
function compareListed<T extends { id: string }>(results: FieldResult[], list: string, model: T[], real: T[], keys: readonly (keyof T & string)[]): void {
  const m = byId(model);
  const r = byId(real);
  for (const id of unionIds(model, real)) {
    const a = m.get(id);
    const b = r.get(id);
    if (!a || !b) {
      field(results, `${list}[${id}]`, a ? "listed" : "absent", b ? "listed" : "absent");
      continue;
    }
    for (const k of keys) field(results, `${list}[${id}].${k}`, a[k], b[k]);
  }
}

export function compareObservations(model: Observation, real: Observation): FieldResult[] {
  const results: FieldResult[] = [];
  field(results, "containerd", model.containerd, real.containerd);
  compareError(results, model, real);

  compareListed(results, "containers", model.containers, real.containers, ["visible", "state", "exitCode", "process"]);
  compareListed(results, "sandboxes", model.sandboxes, real.sandboxes, ["visible", "state"]);

  const mcalls = new Map(model.calls.map((c) => [c.event, c]));
  const rcalls = new Map(real.calls.map((c) => [c.event, c]));
  const events = [...new Set([...mcalls.keys(), ...rcalls.keys()])].sort((a, b) => a - b);
  for (const ev of events) field(results, `calls[${ev}].ok`, mcalls.get(ev)?.ok, rcalls.get(ev)?.ok);
  return results;
}

/** The fields where model and real daemon really differ. */
export function disagreements(results: FieldResult[]): FieldResult[] {
  return results.filter((r) => r.verdict === "disagree");
}
