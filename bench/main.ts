// npm run bench: the throughput figures of restart-sim, printed as JSON, with the machine they
// were measured on. Numbers, not assertions: compare them across versions. Random runs are
// also measured against their ceiling: the same runs with the world written in place instead
// of through immer (issue 15: the target is a ratio to it, measured in the same run).
import { cpus } from "node:os";
import { configOrThrow } from "../model/config.ts";
import { differingFromImmer, eventsPerSecond, resolvedSequences } from "./events.ts";
import { statesPerSecond } from "./states.ts";
import { coldStartMs, inProcessMs } from "./find-7247.ts";

const help = `Usage: npm run bench [-- --json]

Measures on one core and prints as JSON (always; --json is accepted for the CLI convention):
  randomRuns       events/s of random runs (step + observer + every invariant), through immer;
                   ceilingEventsPerSecond: the same runs written in place; ratioToCeiling: the
                   first over the second; ownCopies*: written in place on a copy made at each
                   event's first write, as the CLI runs them
  exhaustiveCheck  distinct states/s of check on keep-task-release-name/99748, 2 pods x 2 containers, depth 7
  explore7247      how long explore takes to find #7247 on baseline/pre-99748
Progress goes to stderr.`;
for (const arg of process.argv.slice(2)) {
  if (arg === "--help" || arg === "-h") {
    console.log(help);
    process.exit(0);
  }
  if (arg !== "--json") {
    process.stderr.write(`bench: unknown argument ${JSON.stringify(arg)} (see --help)\n`);
    process.exit(2);
  }
}

const log = (text: string) => process.stderr.write(`${text}\n`);
const baseline = configOrThrow("baseline/99748");
const proposal = configOrThrow("keep-task-release-name/99748");

log("random runs: resolving 2000 scenarios...");
const sequences = resolvedSequences(baseline, 2000, 1);
const events = sequences.reduce((n, s) => n + s.length, 0);
log(`random runs: ${events} events, step + invariants...`);
const frozen = eventsPerSecond(baseline, sequences, { immer: { autoFreeze: true } });
const unfrozen = eventsPerSecond(baseline, sequences, { immer: { autoFreeze: false } });
log("random runs: the same, written in place (the ceiling) and on own copies (as the CLI runs them)...");
for (const writes of ["in place", "own copies"] as const) {
  const differing = differingFromImmer(baseline, sequences, writes);
  if (differing.length > 0) throw new Error(`${writes}, ${differing.length} runs end differently (the first: sequence ${differing[0]}): the figure would not run the same model`);
}
const ceiling = eventsPerSecond(baseline, sequences, "in place");
const ownCopies = eventsPerSecond(baseline, sequences, "own copies");
log("exhaustive check: keep-task-release-name/99748, 2 pods x 2 containers, depth 7...");
const check = statesPerSecond(proposal, { pods: 2, containers: 2 }, 7);
log("explore: #7247 on baseline/pre-99748, 11 seeds in process, 5 cold starts...");
const seeds = Array.from({ length: 11 }, (_, i) => i + 1);
const inProcess = inProcessMs(seeds);
const cold = coldStartMs(seeds.slice(0, 5));

const cpu = cpus();
console.log(
  JSON.stringify(
    {
      machine: { cpus: cpu.length, model: cpu[0]?.model ?? "unknown", node: process.version },
      randomRuns: {
        eventsPerSecond: unfrozen,
        ceilingEventsPerSecond: ceiling,
        ratioToCeiling: Number((unfrozen / ceiling).toFixed(2)),
        ownCopiesEventsPerSecond: ownCopies,
        ownCopiesRatioToCeiling: Number((ownCopies / ceiling).toFixed(2)),
        eventsPerSecondWithAutoFreeze: frozen,
        events,
        targetRatioToCeiling: 0.8,
      },
      exhaustiveCheck: { distinctStatesPerSecond: check.perSecond, states: check.states, seconds: check.seconds, target: 20_000 },
      explore7247: { medianMsInProcess: inProcess, medianMsColdStart: cold, target: 1000 },
    },
    null,
    2,
  ),
);
