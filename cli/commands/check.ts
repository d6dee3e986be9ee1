// restart-sim check --config C [--disk split|shared] [--containerd 1.6|1.7] --depth D [--pods P --containers K] [--max-states N]
// Breadth-first over every event sequence of a small scope: either no safety property is
// violated up to depth D, or the shortest counterexample, saved as a replayable trace.
import type { Command } from "commander";
import { diskOption, releaseOption, resolveConfig } from "../load-trace.ts";
import { defaultRelease } from "../../model/releases.ts";
import { fail, exitCodes } from "../exit.ts";
import { intInRange } from "../options.ts";
import { counterexampleName } from "../counterexample-trace.ts";
import { Progress } from "../progress.ts";
import { formatTimeline } from "../timeline.ts";
import { saveTrace } from "../save-trace.ts";
import { replay } from "../../properties/replay.ts";
import { safetyProperties, type SafetyProperty } from "../../properties/invariants.ts";
import { checkExhaustive } from "../../properties/exhaustive.ts";

interface Options {
  config: string;
  disk?: string;
  containerd?: string;
  depth: string;
  pods: string;
  containers: string;
  maxStates: string;
  property?: string;
  symmetry: boolean;
  out: string;
  json?: boolean;
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("exhaustive bounded check: every event sequence of a small scope up to a depth; exit 1 with the shortest counterexample")
    .option("--config <config>", "configuration <containerd-variant>/<kubelet-variant>", "baseline/99748")
    .option(...diskOption)
    .option(...releaseOption)
    .requiredOption("--depth <d>", "events after the pods are added")
    .option("--pods <p>", "pods in the scope", "1")
    .option("--containers <k>", "containers per pod", "1")
    .option("--max-states <n>", "stop cleanly after this many distinct states", "1000000")
    .option("--property <p>", "only this safety property")
    .option("--no-symmetry", "do not merge states that differ only by the labels of their pods")
    .option("--out <dir>", "where a counterexample trace is written", "explored")
    .option("--json", "print the result as JSON")
    .action((opts: Options) => {
      const config = resolveConfig(opts.config, undefined, opts.disk, opts.containerd);
      const shared = config.disk.layout === "shared";
      const release = config.release === defaultRelease ? null : config.release.name;
      const depth = intInRange("--depth", opts.depth, 0, 1000);
      const scope = { pods: intInRange("--pods", opts.pods, 0, 3), containers: intInRange("--containers", opts.containers, 1, 3) };
      const maxStates = intInRange("--max-states", opts.maxStates, 1, 50_000_000);
      if (opts.property !== undefined && !safetyProperties.includes(opts.property as SafetyProperty)) {
        fail(`--property: not a safety property: ${JSON.stringify(opts.property)}; one of ${safetyProperties.join(", ")}`);
      }
      const progress = new Progress(opts.json);
      const started = Date.now();
      const result = checkExhaustive(config, scope, {
        depth,
        maxStates,
        symmetry: opts.symmetry,
        ...(opts.property ? { properties: [opts.property as SafetyProperty] } : {}),
        onProgress: (p) => progress.update(`${config.name}: depth ${p.depth}/${depth}, ${p.states} states, ${p.transitions} transitions`),
      });
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      progress.done(`${config.name}: ${result.states} states in ${seconds.toFixed(1)} s`);
      const scopeText = `${scope.pods} pod(s) x ${scope.containers} container(s)`;
      const saved = result.violation
        ? saveTrace(opts.out, {
            name: `check-${counterexampleName(config.name, result.violation.property)}${shared ? "-shared" : ""}${release ? `-${release}` : ""}`,
            description: `Shortest counterexample of ${result.violation.property} on ${config.name}${shared ? " (disk layout shared)" : ""}${release ? ` (containerd ${release})` : ""} in scope ${scopeText}, found by restart-sim check (breadth-first): ${result.violation.message}`,
            config: config.name,
            ...(shared ? { disk: config.disk.layout } : {}),
            ...(release ? { containerd: release } : {}),
            events: result.violation.events,
          })
        : null;
      const statesPerSecond = Math.round(result.states / seconds);
      if (opts.json) {
        console.log(JSON.stringify({ config: config.name, disk: config.disk.layout, containerd: config.release.name, depth, symmetry: opts.symmetry, ...result, seconds, statesPerSecond, trace: saved }, null, 2));
      } else {
        console.log(`check ${config.name}, disk ${config.disk.layout}, containerd ${config.release.name}, scope ${scopeText}, depth ${depth}, symmetry ${opts.symmetry ? "on" : "off"}`);
        console.log(`  distinct states ${result.states}, transitions ${result.transitions}, depth reached ${result.depthReached}, ${statesPerSecond} states/s`);
        if (opts.symmetry) {
          console.log(`  symmetry: ${result.statesWithoutSymmetry} states without it, ${(result.statesWithoutSymmetry / result.states).toFixed(1)}x fewer with it`);
        }
        if (result.violation) {
          const v = result.violation;
          console.log(`\n${v.property} VIOLATED after ${v.events.length} events: ${v.message}`);
          console.log(formatTimeline(replay(v.events, config).timeline).replace(/^/gm, "  "));
          console.log(`  saved: ${saved}; replay it with: restart-sim replay ${saved}`);
        } else if (result.complete) {
          console.log(`\nno violation up to depth ${depth} in scope ${scopeText}`);
        } else {
          console.log(`\nstopped at --max-states ${maxStates}: no violation up to depth ${result.depthReached} in scope ${scopeText}`);
        }
      }
      process.exitCode = result.violation ? exitCodes.violated : exitCodes.holds;
    });
}
