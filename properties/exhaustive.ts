// Exhaustive bounded checking: breadth-first over every event sequence of a small scope up to
// a depth, states merged by their canonical fingerprint, every safety property checked at
// every new state. Breadth-first, so the first violation found is a shortest one.
import { createHash } from "node:crypto";
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import { checkSafety, type SafetyProperty, safetyProperties } from "./invariants.ts";
import { factorial, fingerprint } from "./fingerprint.ts";
import { podEvents, podSpec, type PodSpec } from "./scenario.ts";
import { alphabet, resolve } from "./commands.ts";
import { advance, stateAfter, type State } from "./run.ts";

export interface Scope {
  pods: number;
  containers: number;
}

export interface ExhaustiveOptions {
  depth: number;
  /** Stop cleanly once this many distinct states are stored. */
  maxStates: number;
  /** Merge states that differ only by the labels of their pods. */
  symmetry: boolean;
  /** Only these properties (default: every safety property). */
  properties?: readonly SafetyProperty[];
  onProgress?: (p: { depth: number; states: number; transitions: number }) => void;
}

export interface ExhaustiveResult {
  scope: Scope;
  /** Levels explored completely. */
  depthReached: number;
  /** False when --max-states stopped the search before the requested depth. */
  complete: boolean;
  states: number;
  transitions: number;
  /** Distinct states the same search would store without symmetry reduction (sum of orbit sizes). */
  statesWithoutSymmetry: number;
  violation: { property: SafetyProperty; message: string; events: Event[] } | null;
}

export function scopePods(scope: Scope): PodSpec[] {
  return Array.from({ length: scope.pods }, (_, i) => podSpec(i, scope.containers));
}

interface Node {
  state: State;
  key: string;
}

export function checkExhaustive(config: Config, scope: Scope, options: ExhaustiveOptions): ExhaustiveResult {
  const pods = scopePods(scope);
  const commands = alphabet(pods, config.disk.layout);
  const wanted = safetyProperties.filter((p) => (options.properties ?? safetyProperties).includes(p));
  // Permutations of the pods' labels.
  const group = factorial(scope.pods);
  const hash = (text: string) => createHash("sha1").update(text).digest("base64");
  /** How each stored state was first reached: its parent's key and the event, for the trace. */
  const parents = new Map<string, { parent: string | null; event: Event | null }>();

  const prefix = podEvents(pods);
  const start = stateAfter(prefix, config);
  const root = fingerprint(start.world, start.ledger, { symmetry: options.symmetry });
  const rootKey = hash(root.key);
  parents.set(rootKey, { parent: null, event: null });
  let statesWithoutSymmetry = options.symmetry ? group / root.stabilizer : 1;
  let transitions = 0;

  const violationAt = ({ world, ledger }: State, key: string) => {
    const [found] = checkSafety(world, ledger, wanted);
    if (!found) return null;
    const path: Event[] = [];
    for (let k: string | null = key; k !== null; ) {
      const link: { parent: string | null; event: Event | null } = parents.get(k)!;
      if (link.event) path.unshift(link.event);
      k = link.parent;
    }
    return { property: found.property as SafetyProperty, message: found.message, events: [...prefix, ...path] };
  };
  const result = (depthReached: number, complete: boolean, violation: ExhaustiveResult["violation"]): ExhaustiveResult => ({
    scope,
    depthReached,
    complete,
    states: parents.size,
    transitions,
    statesWithoutSymmetry,
    violation,
  });

  const atRoot = violationAt(start, rootKey);
  if (atRoot) return result(0, true, atRoot);
  let frontier: Node[] = [{ state: start, key: rootKey }];
  for (let depth = 1; depth <= options.depth; depth++) {
    const next: Node[] = [];
    for (const node of frontier) {
      for (const command of commands) {
        for (const event of resolve(command, pods, node.state)) {
          const successor = advance(node.state, event, config, { log: false }).state;
          transitions++;
          // An event that changed nothing leads back to this very state (the observer only
          // follows the world, but for coverage marks, which the checker does not read).
          if (successor.world === node.state.world) continue;
          const print = fingerprint(successor.world, successor.ledger, { symmetry: options.symmetry });
          const key = hash(print.key);
          if (parents.has(key)) continue;
          parents.set(key, { parent: node.key, event });
          statesWithoutSymmetry += options.symmetry ? group / print.stabilizer : 1;
          const violation = violationAt(successor, key);
          if (violation) return result(depth - 1, false, violation);
          if (parents.size >= options.maxStates) return result(depth - 1, false, null);
          next.push({ state: successor, key });
          if (parents.size % 1000 === 0) options.onProgress?.({ depth, states: parents.size, transitions });
        }
      }
    }
    frontier = next;
    options.onProgress?.({ depth, states: parents.size, transitions });
    if (frontier.length === 0) return result(options.depth, true, null);
  }
  return result(options.depth, true, null);
}
