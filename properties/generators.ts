// fast-check generators of scenarios over small scopes: 1 to 2 pods, 1 to 3 containers each,
// and a sequence of commands weighted so that faults land in the windows that matter.
import fc from "fast-check";
import { containerNames, podSpec, type Command, type PodSpec, type Scenario } from "./scenario.ts";

export const podsArbitrary: fc.Arbitrary<PodSpec[]> = fc
  .array(fc.integer({ min: 1, max: containerNames.length }), { minLength: 1, maxLength: 2 })
  .map((counts) => counts.map((n, i) => podSpec(i, n)));

const one = (command: Command): Command[] => [command];
const index = fc.nat({ max: 2 });
const exitOf = fc.record({ pod: index, container: index, code: fc.constantFrom(0, 1, 137) });
const exit = exitOf.map((e): Command => ({ do: "exit", ...e }));

/** Single commands and the fault windows of containerd #7247 / #11504, each a short fragment. */
const fragment: fc.Arbitrary<Command[]> = fc.oneof(
  { weight: 6, arbitrary: index.map((pod) => one({ do: "sync", pod })) },
  { weight: 2, arbitrary: exit.map(one) },
  // A crash the kubelet answers: the container restarts at the next attempt.
  { weight: 2, arbitrary: exitOf.map((e): Command[] => [{ do: "exit", ...e }, { do: "sync", pod: e.pod }]) },
  { weight: 1, arbitrary: fc.constant(one({ do: "stop" })) },
  { weight: 1, arbitrary: fc.constant(one({ do: "start" })) },
  { weight: 2, arbitrary: fc.constant<Command[]>([{ do: "stop" }, { do: "start" }]) },
  { weight: 2, arbitrary: fc.constant(one({ do: "fill" })) },
  { weight: 2, arbitrary: fc.constant(one({ do: "free" })) },
  // A nearly full disk: a sandbox takes 4 writes, a create 4, a start 2, an exit 1.
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 10 }).map((writes) => one({ do: "room", writes })) },
  { weight: 1, arbitrary: fc.constantFrom(1, 10, 300).map((seconds) => one({ do: "tick", seconds })) },
  { weight: 1, arbitrary: fc.constant(one({ do: "gc" })) },
  // A restart on a full disk: every status rewrite at recovery fails.
  { weight: 2, arbitrary: fc.constant<Command[]>([{ do: "fill" }, { do: "stop" }, { do: "start" }]) },
  // A restart on a nearly full disk (some status rewrites succeed, later ones fail), after
  // which space is freed again (log rotation, image GC).
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }).map((writes): Command[] => [{ do: "room", writes }, { do: "stop" }, { do: "start" }, { do: "free" }]) },
  // The kubelet creates and starts on a nearly full disk: which of its writes fail.
  { weight: 2, arbitrary: fc.record({ writes: fc.integer({ min: 1, max: 10 }), pod: index }).map(({ writes, pod }): Command[] => [{ do: "room", writes }, { do: "sync", pod }]) },
  // A create that outlives the kubelet's deadline (#4604): the kubelet retries, then the call
  // returns late (or never: a stat stuck on a dead mount, #13867).
  { weight: 1, arbitrary: fc.constant(one({ do: "hang" })) },
  {
    weight: 3,
    arbitrary: fc.record({ pod: index, waiting: fc.constantFrom("finish" as const, "stuck" as const) }).map(({ pod, waiting }): Command[] => [
      { do: "hang" },
      { do: "sync", pod },
      { do: "tick", seconds: 130 },
      { do: "sync", pod },
      { do: "resume", waiting },
      { do: "sync", pod },
    ]),
  },
  // An exit while containerd is down: only the shim knows the exit code.
  { weight: 2, arbitrary: exit.map((e): Command[] => [{ do: "stop" }, e, { do: "start" }]) },
  // A create between two restarts, after the disk got room again: what the kubelet does when
  // it can no longer see a container, and what the next recovery makes of it.
  { weight: 2, arbitrary: index.map((pod): Command[] => [{ do: "stop" }, { do: "start" }, { do: "free" }, { do: "sync", pod }, { do: "stop" }, { do: "start" }]) },
);

/** The longest scenario body, in fragments; fast-check's default size would cap it near ten. */
export const maxFragments = 16;

export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  pods: podsArbitrary,
  commands: fc.array(fragment, { minLength: 1, maxLength: maxFragments, size: "max" }).map((fragments) => fragments.flat()),
});
