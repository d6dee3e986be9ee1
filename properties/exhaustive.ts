// Exhaustive bounded checking: breadth-first over every event sequence of a small scope up to
// a depth, states merged by their canonical fingerprint, every safety property checked at
// every new state. Breadth-first, so the first violation found is a shortest one. The states
// seen are kept as the 64-bit hashes of their fingerprints (state-set.ts, which states the
// chance of a collision and checks a sample); a counterexample's events are found again by
// stepping from the root along how each state on its path was reached.
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import type { ContainerView } from "../model/cri/list.ts";
import { checkSafety, type SafetyProperty, safetyProperties } from "./invariants.ts";
import { factorial, fingerprint } from "./fingerprint.ts";
import { StateSet } from "./state-set.ts";
import { ownCopy, shareUnchanged } from "./owned-world.ts";
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
  /** Lookups that compared whole fingerprints, not only their hashes (state-set.ts): none differed. */
  hashesVerified: number;
  violation: { property: SafetyProperty; message: string; events: Event[] } | null;
}

export function scopePods(scope: Scope): PodSpec[] {
  return Array.from({ length: scope.pods }, (_, i) => podSpec(i, scope.containers));
}

interface Node {
  state: State;
  /** Its number in the state set. */
  n: number;
}

/** How a state was reached from its parent, as one number: the command's index in the alphabet and the event's among those it resolved to. */
const eventsPerCommand = 1 << 16;

export function checkExhaustive(config: Config, scope: Scope, options: ExhaustiveOptions): ExhaustiveResult {
  const pods = scopePods(scope);
  const commands = alphabet(pods, config.disk.layout);
  const wanted = safetyProperties.filter((p) => (options.properties ?? safetyProperties).includes(p));
  // Permutations of the pods' labels.
  const group = factorial(scope.pods);
  const seen = new StateSet();

  const prefix = podEvents(pods);
  const start = stateAfter(prefix, config);
  const root = fingerprint(start.world, start.ledger, { symmetry: options.symmetry });
  const rootN = seen.add(root, -1, -1);
  let statesWithoutSymmetry = options.symmetry ? group / root.stabilizer : 1;
  let transitions = 0;

  /** The events from the root to state n: each one found again where its parent resolved it. */
  const pathTo = (n: number): Event[] => {
    const hows: number[] = [];
    for (let k = n; k !== rootN; k = seen.parent(k)) hows.unshift(seen.how(k));
    const path: Event[] = [];
    let state = start;
    for (const how of hows) {
      const event = resolve(commands[Math.floor(how / eventsPerCommand)]!, pods, state)[how % eventsPerCommand]!;
      path.push(event);
      state = advance(state, event, config, { log: false }).state;
    }
    return path;
  };
  const violationAt = ({ world, ledger }: State, n: number, visible?: readonly ContainerView[]) => {
    const [found] = checkSafety(world, ledger, wanted, visible);
    if (!found) return null;
    return { property: found.property as SafetyProperty, message: found.message, events: [...prefix, ...pathTo(n)] };
  };
  const result = (depthReached: number, complete: boolean, violation: ExhaustiveResult["violation"]): ExhaustiveResult => ({
    scope,
    depthReached,
    complete,
    states: seen.size,
    transitions,
    statesWithoutSymmetry,
    hashesVerified: seen.verified,
    violation,
  });

  const atRoot = violationAt(start, rootN);
  if (atRoot) return result(0, true, atRoot);
  let frontier: Node[] = [{ state: start, n: rootN }];
  for (let depth = 1; depth <= options.depth; depth++) {
    const next: Node[] = [];
    for (const node of frontier) {
      for (const [c, command] of commands.entries()) {
        for (const [e, event] of resolve(command, pods, node.state).entries()) {
          // Stepped in place on the checker's own copy of the world, made when the event first
          // writes (owned-world.ts).
          const stepped = advance(node.state, event, config, { log: false, own: ownCopy });
          transitions++;
          // An event that wrote nothing leads back to this very state (the observer only
          // follows the world, but for coverage marks, which the checker does not read).
          if (stepped.state.world === node.state.world) continue;
          const print = fingerprint(stepped.state.world, stepped.state.ledger, { symmetry: options.symmetry });
          // Seen before (the parent itself when what the event wrote changed nothing).
          const n = seen.add(print, node.n, c * eventsPerCommand + e);
          if (n < 0) continue;
          statesWithoutSymmetry += options.symmetry ? group / print.stabilizer : 1;
          const violation = violationAt(stepped.state, n, stepped.visible ?? undefined);
          if (violation) return result(depth - 1, false, violation);
          if (seen.size >= options.maxStates) return result(depth - 1, false, null);
          // Kept for the next level (none after the last), sharing with its parent every part
          // the event left as it was.
          if (depth < options.depth) next.push({ state: { world: shareUnchanged(stepped.state.world, node.state.world), ledger: stepped.state.ledger }, n });
          if (seen.size % 1000 === 0) options.onProgress?.({ depth, states: seen.size, transitions });
        }
      }
    }
    frontier = next;
    options.onProgress?.({ depth, states: seen.size, transitions });
    if (frontier.length === 0) return result(options.depth, true, null);
  }
  return result(options.depth, true, null);
}
