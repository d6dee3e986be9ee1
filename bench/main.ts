// npm run bench: the three throughput figures of restart-sim, printed as JSON, with the
// machine they were measured on. Numbers, not assertions: compare them across versions.
import { cpus } from "node:os";
import { configOrThrow } from "../model/config.ts";
import { eventsPerSecond, resolvedSequences } from "./events.ts";
import { statesPerSecond } from "./states.ts";
import { coldStartMs, inProcessMs } from "./find-7247.ts";

const log = (text: string) => process.stderr.write(`${text}\n`);
const baseline = configOrThrow("baseline/99748");
const proposal = configOrThrow("keep-task-release-name/99748");

log("random runs: resolving 2000 scenarios...");
const sequences = resolvedSequences(baseline, 2000, 1);
const events = sequences.reduce((n, s) => n + s.length, 0);
log(`random runs: ${events} events, step + invariants...`);
const frozen = eventsPerSecond(baseline, sequences, true);
const unfrozen = eventsPerSecond(baseline, sequences, false);
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
      randomRuns: { eventsPerSecond: unfrozen, eventsPerSecondWithAutoFreeze: frozen, events, target: 100_000 },
      exhaustiveCheck: { distinctStatesPerSecond: check.perSecond, states: check.states, seconds: check.seconds, target: 50_000 },
      explore7247: { medianMsInProcess: inProcess, medianMsColdStart: cold, target: 1000 },
    },
    null,
    2,
  ),
);
