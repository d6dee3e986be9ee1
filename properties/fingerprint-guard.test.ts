// The exhaustive checker (exhaustive.ts) stores one world per fingerprint and never explores a
// world whose fingerprint it has seen. That is sound only if equal fingerprints mean equal
// futures; a field added to the world and forgotten by the fingerprint would silently merge
// states that behave differently. Three guards, over random scenarios on several configurations:
// - every field of the world (and of what the observer recorded) is read by the fingerprint,
//   or is in `abstracted` below with the reason it may be left out;
// - relabelling every pod and container gives the same fingerprint after every event;
// - two different worlds that reach the same fingerprint (by different paths) step to worlds
//   with equal fingerprints under every event of the checker's alphabet, and break the same
//   properties.
// The last tests show that guards 1 and 3 fail on a fingerprint that forgets a field.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { configOrThrow, type Config } from "../model/config.ts";
import type { Event } from "../model/events.ts";
import type { World } from "../model/world.ts";
import type { Ledger } from "../model/ledger.ts";
import { makeContainerName, makeSandboxName } from "../model/names.ts";
import { checkSafety } from "./invariants.ts";
import { fingerprint, fingerprintText } from "./fingerprint.ts";
import { alphabet, resolve } from "./commands.ts";
import { advance, initialState, type State } from "./run.ts";
import { scenarioArbitrary } from "./generators.ts";
import { containerNames, healingEvents, podEvents, podNames, type PodSpec, type Scenario } from "./scenario.ts";

// --- The checker's state and the public functions it steps it with ----------------------

const next = (s: State, event: Event, config: Config): State => advance(s, event, config, { log: false }).state;
/** The state as one tree of plain data, the observer's record under `ledger`, and back. */
const toTree = (s: State): object => ({ ...s.world, ledger: s.ledger });
const fromTree = (tree: object): State => {
  const { ledger, ...world } = tree as World & { ledger: Ledger };
  return { world, ledger };
};

type Print = (s: State, symmetry: boolean) => string;
const print: Print = (s, symmetry) => fingerprintText(fingerprint(s.world, s.ledger, { symmetry }));
const broken = (s: State): string[] => [...new Set(checkSafety(s.world, s.ledger).map((v) => v.property))].sort();

// --- The sample -------------------------------------------------------------------------

/** Disk variants, slow-call variants, both, and each kubelet: the fields each one writes. */
const configs = ["baseline/99748", "keep-task-release-name/bump-on-deadline", "long-term/pre-99748", "release-name-on-cancel/99748"].map(configOrThrow);
const scenariosPerConfig = 75;

interface Visited {
  state: State;
  pods: readonly PodSpec[];
}

/**
 * Every state a scenario passes through once its pods are added (where the checker starts):
 * after each of its commands' events and of the healing suffix.
 */
function visit(scenario: Scenario, config: Config): Visited[] {
  const { pods } = scenario;
  let s = podEvents(pods).reduce((w, e) => next(w, e, config), initialState());
  const states: Visited[] = [{ state: s, pods }];
  const apply = (events: readonly Event[]) => {
    for (const event of events) {
      s = next(s, event, config);
      states.push({ state: s, pods });
    }
  };
  for (const command of scenario.commands) apply(resolve(command, pods, s));
  apply(healingEvents(s.world));
  return states;
}

/** The same scenario with every pod and container named differently, in reverse label order. */
function relabelled(scenario: Scenario): Scenario {
  const rename = <T extends string>(labels: readonly T[], label: string) => labels[labels.length - 1 - labels.indexOf(label as T)]!;
  return {
    pods: scenario.pods.map((p) => ({ name: rename(podNames, p.name), containers: p.containers.map((c) => rename(containerNames, c)) })),
    commands: scenario.commands,
  };
}

/** Each configuration's scenarios, with the states each passes through. */
const sample = configs.map((config, i) => ({
  config,
  runs: fc.sample(scenarioArbitrary, { numRuns: scenariosPerConfig, seed: 99748 + i }).map((scenario) => ({ scenario, states: visit(scenario, config) })),
}));

// --- Guard 1: every field is read by the fingerprint or abstracted on purpose -----------

/** Objects keyed by ids or labels, whose keys are not field names: their entries share one pattern. */
const keyedByIdOrLabel = new Set([
  "disk.checkpoints",
  "metadata.containers",
  "metadata.sandboxes",
  "shim.tasks",
  "shim.processes",
  "cri.containers",
  "cri.sandboxes",
  "cri.containerNames",
  "cri.sandboxNames",
  "kubelet.pods",
  "kubelet.logs",
  "kubelet.logs.*",
  "kubelet.waiting",
  "kubelet.refused",
  "kubelet.timedOut",
  "ledger.reached",
  "ledger.exitCodes",
]);

/**
 * Fields the fingerprint leaves out on purpose, and why that is sound. A field here is one whose
 * every change in the sample leaves the fingerprint as it was; the test fails if one of them is
 * read after all (the entry is stale) or never occurs in the sample.
 */
const abstracted: Record<string, string> = {
  nextId: "the id counter only makes ids unique; no decision reads it",
  "clock.stamp": "timestamps are kept by rank, and a new one is always above all others",
  // The rest repeat what is read elsewhere; the test below checks each claim on the sample.
  "metadata.containers.*.id": "the record's key, also its id",
  "metadata.containers.*.name": "makeContainerName of the pod, container name and attempt, which the ledger keeps",
  "metadata.containers.*.pod": "the ledger's, from the same create",
  "metadata.containers.*.sandboxId": "the ledger's, from the same create",
  "metadata.containers.*.containerName": "the ledger's, from the same create",
  "metadata.containers.*.attempt": "the ledger's, from the same create",
  "metadata.sandboxes.*.id": "the record's key, also its id",
  "metadata.sandboxes.*.name": "makeSandboxName of the pod and attempt, which are read",
  "metadata.sandboxes.*.pod": "the ledger's, from the same run",
  "cri.containers.*.id": "the entry's key, also its id",
  "cri.sandboxes.*.id": "the entry's key, also its id",
  "cri.inFlight[].name": "the name made of the call's pod, container name and attempt, which are read",
  "kubelet.refused.*.name": "the name its holder reserved; the holder is read",
  "ledger.situations": "coverage marks of the generators' aim: no step and no property reads them",
};

type Segment = string | number;
interface Node {
  path: Segment[];
  /** The path with each id or label as "*" and each array index as "[]": one per field. */
  pattern: string;
  value: unknown;
}
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** Every node of the tree, arrays and plain objects included, with its path and pattern. */
function nodes(value: unknown, path: Segment[] = [], pattern = ""): Node[] {
  const node = { path, pattern, value };
  if (Array.isArray(value)) return [node, ...value.flatMap((v, i) => nodes(v, [...path, i], `${pattern}[]`))];
  if (!isPlainObject(value)) return [node];
  const keyed = keyedByIdOrLabel.has(pattern);
  return [
    node,
    ...Object.entries(value).flatMap(([key, v]) => {
      if (!keyed && !/^[a-z][A-Za-z]+$/.test(key)) throw new Error(`${pattern} has key ${JSON.stringify(key)}: is it keyed by ids or labels (keyedByIdOrLabel)?`);
      return nodes(v, [...path, key], `${pattern === "" ? "" : `${pattern}.`}${keyed ? "*" : key}`);
    }),
  ];
}

const isContainer = (v: unknown): v is object => Array.isArray(v) || isPlainObject(v);

/** The tree with one value replaced, copying only along the path. */
function replaced(tree: unknown, path: readonly Segment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(tree)) return tree.map((v, i) => (i === head ? replaced(v, rest, value) : v));
  const record = tree as Record<string, unknown>;
  return { ...record, [head!]: replaced(record[head!], rest, value) };
}

/** Changes of a leaf of each type; a fingerprint that reads the leaf shows at least one. */
function changes(value: unknown): unknown[] {
  if (typeof value === "number") return [value + 1, value + 1000, 0];
  if (typeof value === "string") return [`${value}~`, ""];
  if (typeof value === "boolean") return [!value];
  if (value === null) return [0, "~"];
  return [undefined];
}

const maxTries = 200;

/** Fields (leaf patterns) no change moves the fingerprint of, and arrays or objects the sample never fills. */
function unread(states: readonly State[], fingerprintOf: Print): { unread: string[]; neverFilled: string[] } {
  const read = new Set<string>();
  /** Leaves of each pattern changed so far: a field never read is tried this many times, no more. */
  const tries = new Map<string, number>();
  const leaves = new Set<string>();
  const filled = new Map<string, boolean>();
  for (const state of states) {
    const tree = toTree(state);
    const before = fingerprintOf(state, false);
    for (const { path, pattern, value } of nodes(tree)) {
      if (isContainer(value)) {
        filled.set(pattern, (filled.get(pattern) ?? false) || Object.keys(value).length > 0);
        continue;
      }
      leaves.add(pattern);
      if (read.has(pattern) || (tries.get(pattern) ?? 0) >= maxTries) continue;
      tries.set(pattern, (tries.get(pattern) ?? 0) + 1);
      const moves = changes(value).some((v) => {
        try {
          return fingerprintOf(fromTree(replaced(tree, path, v) as object), false) !== before;
        } catch {
          return true; // it threw on the changed value, so it reads it
        }
      });
      if (moves) read.add(pattern);
    }
  }
  return { unread: [...leaves].filter((p) => !read.has(p)).sort(), neverFilled: [...filled].filter(([, full]) => !full).map(([p]) => p) };
}

/** Every tenth state of the sample: enough to fill every field, small enough to change each leaf. */
const structureSample = sample.flatMap(({ runs }) => runs.flatMap(({ states }) => states.filter((_, i) => i % 10 === 0).map((v) => v.state)));

describe("guard 1: the fingerprint reads every field of the world and the ledger", () => {
  let found: ReturnType<typeof unread>;
  beforeAll(() => {
    found = unread(structureSample, print);
  });

  it("reads every field but those abstracted on purpose", () => {
    expect(found.unread, "fields the fingerprint ignores: read them, or list them in `abstracted` with why").toEqual(Object.keys(abstracted).sort());
  });

  it("sees every field filled in some state of the sample", () => {
    expect(found.neverFilled, "the sample never fills these: its scenarios no longer reach them").toEqual([]);
  });
});

/** Where the sample contradicts a reason given in `abstracted`. */
function contradictions(s: State): string[] {
  const { world: w, ledger } = s;
  const out: string[] = [];
  const claim = (holds: boolean, what: string) => holds || out.push(what);
  for (const [key, r] of Object.entries(w.metadata.containers)) {
    const facts = ledger.containers.find((c) => c.id === key);
    claim(r.id === key, `container record ${key} has id ${r.id}`);
    claim(facts !== undefined && facts.pod === r.pod && facts.sandboxId === r.sandboxId && facts.name === r.containerName && facts.attempt === r.attempt, `container record ${key} is not as the ledger has it`);
    claim(r.name === makeContainerName(r.containerName, r.pod, r.attempt), `container record ${key} has name ${r.name}`);
  }
  for (const [key, r] of Object.entries(w.metadata.sandboxes)) {
    claim(r.id === key && ledger.sandboxes.some((b) => b.id === key && b.pod === r.pod), `sandbox record ${key} is not as the ledger has it`);
    claim(r.name === makeSandboxName(r.pod, r.attempt), `sandbox record ${key} has name ${r.name}`);
  }
  for (const [key, c] of [...Object.entries(w.cri.containers), ...Object.entries(w.cri.sandboxes)]) claim(c.id === key, `CRI entry ${key} has id ${c.id}`);
  for (const c of w.cri.inFlight) {
    const name = c.kind === "runPodSandbox" ? makeSandboxName(c.pod, c.attempt) : makeContainerName(c.containerName, c.pod, c.attempt);
    claim(c.name === name, `call in flight ${c.id} has name ${c.name}`);
  }
  for (const [key, { name, holder }] of Object.entries(w.kubelet.refused)) {
    const held = w.cri.inFlight.find((c) => c.id === holder)?.name ?? w.metadata.containers[holder]?.name ?? w.metadata.sandboxes[holder]?.name;
    claim(held === undefined || held === name, `${key} was refused ${name}, but its holder ${holder} reserved ${held}`);
  }
  return out;
}

describe("the reasons given for abstracted fields", () => {
  it("hold in every state of the sample", () => {
    const states = sample.flatMap(({ runs }) => runs.flatMap((r) => r.states.map((v) => v.state)));
    expect(states.flatMap(contradictions).slice(0, 5)).toEqual([]);
  });
});

// --- Guard 2: labels do not matter -------------------------------------------------------

describe("guard 2: relabelling the pods and containers", () => {
  it.each(sample.map(({ config, runs }) => [config.name, config, runs.filter((_, i) => i % 3 === 0)] as const))(
    "%s: gives the same fingerprint after every event",
    (_name, config, runs) => {
      for (const { scenario, states } of runs) {
        const renamed = visit(relabelled(scenario), config);
        expect(renamed.length).toBe(states.length);
        states.forEach((v, i) => expect(print(renamed[i]!.state, false), `${JSON.stringify(scenario)} event ${i}`).toBe(print(v.state, false)));
      }
    },
  );
});

// --- Guard 3: equal fingerprints, equal futures ------------------------------------------

interface Divergence {
  config: string;
  difference: string;
  a: State;
  b: State;
}

/** Each command of the checker's alphabet, stepped from s: the successor's fingerprint ("-" when the command does not apply). */
function successors(s: State, pods: readonly PodSpec[], config: Config, fingerprintOf: Print, symmetry: boolean): string[] {
  return alphabet(pods).map((command) => {
    const events = resolve(command, pods, s);
    return events.length === 0 ? "-" : fingerprintOf(events.reduce((w, e) => next(w, e, config), s), symmetry);
  });
}

/**
 * Groups the sample's states by fingerprint, with symmetry, as the checker does. Each state that
 * differs from the first of its group (which the checker would have merged into it) must break
 * the same properties and have the same successors: command by command when the two have the
 * same fingerprint without symmetry too (their pods are labelled alike), else as a multiset
 * (the commands on one pod of the first are the commands on its counterpart in the other).
 */
function divergences(fingerprintOf: Print, options = { first: false }): { pairs: number; relabelled: number; found: Divergence[] } {
  let pairs = 0;
  let relabelled = 0;
  const found: Divergence[] = [];
  for (const { config, runs } of sample) {
    const groups = new Map<string, { first: Visited; json: string; merged: boolean }>();
    for (const v of runs.flatMap((r) => r.states)) {
      const key = fingerprintOf(v.state, true);
      const group = groups.get(key);
      if (!group) {
        groups.set(key, { first: v, json: JSON.stringify(v.state), merged: false });
        continue;
      }
      if (group.merged || JSON.stringify(v.state) === group.json) continue;
      group.merged = true;
      pairs++;
      const a = group.first;
      const alike = JSON.stringify(a.pods) === JSON.stringify(v.pods) && fingerprintOf(a.state, false) === fingerprintOf(v.state, false);
      if (!alike) relabelled++;
      const sa = successors(a.state, a.pods, config, fingerprintOf, !alike);
      const sb = successors(v.state, v.pods, config, fingerprintOf, !alike);
      const same = alike ? JSON.stringify(sa) === JSON.stringify(sb) : JSON.stringify([...sa].sort()) === JSON.stringify([...sb].sort());
      const differing = alike ? alphabet(a.pods).flatMap((c, i) => (sa[i] === sb[i] ? [] : [JSON.stringify(c)])).join(", ") : "as multisets";
      const difference = !same
        ? `successors differ: ${differing}`
        : JSON.stringify(broken(a.state)) !== JSON.stringify(broken(v.state))
          ? `broken properties differ: ${broken(a.state)} vs ${broken(v.state)}`
          : null;
      if (difference) found.push({ config: config.name, difference, a: a.state, b: v.state });
      if (found.length > 0 && options.first) return { pairs, relabelled, found };
    }
  }
  return { pairs, relabelled, found };
}

describe("guard 3: worlds with equal fingerprints step to worlds with equal fingerprints", () => {
  it("under every event of the alphabet, and break the same properties", () => {
    const { pairs, relabelled, found } = divergences(print);
    const first = found[0];
    expect(first, first && `${found.length} divergences; the first: ${first.config} ${first.difference}\n${JSON.stringify(first.a)}\n${JSON.stringify(first.b)}`).toBeUndefined();
    // Different worlds the checker would merge, checked: some only through symmetry.
    expect(pairs).toBeGreaterThanOrEqual(300);
    expect(relabelled).toBeGreaterThanOrEqual(20);
  });
});

// --- The guards can fail ------------------------------------------------------------------

describe("the guards catch a fingerprint that forgets a field", () => {
  /** The fingerprint of the state with one field reset, as if the fingerprint never read it. */
  const forgetting = (path: readonly Segment[], value: unknown): Print => (s, symmetry) => print(fromTree(replaced(toTree(s), path, value) as object), symmetry);

  it("guard 1 names a forgotten field", () => {
    expect(unread(structureSample.slice(0, 100), forgetting(["faults", "hangs"], [])).unread).toContain("faults.hangs[].pod");
  });

  it.each([
    [["faults", "hangs"], []],
    [["disk", "room"], null],
  ] as const)("guard 3 finds worlds that differ in %j and are merged", (path, value) => {
    expect(divergences(forgetting(path, value), { first: true }).found.length).toBeGreaterThan(0);
  });
});
