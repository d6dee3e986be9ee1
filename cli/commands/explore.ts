// restart-sim explore --config C [--disk split|shared] [--containerd 1.6|1.7] [--runs N] [--seed S [--property P --path P]] [--out DIR] [--json]
// Random scenarios against one configuration, every property; a violation is shrunk, shown as
// a timeline, and saved as a trace file that `replay` reproduces exactly.
import type { Command } from "commander";
import { diskOption, loadTrace, releaseOption, resolveConfig, traceFiles } from "../load-trace.ts";
import { tracesFor } from "../../properties/trace-files.ts";
import { fail, exitCodes } from "../exit.ts";
import { positiveInt, seedOption } from "../options.ts";
import { counterexampleTrace, exploreCommand } from "../counterexample-trace.ts";
import { Progress } from "../progress.ts";
import { formatTimeline } from "../timeline.ts";
import { saveTrace } from "../save-trace.ts";
import { replay } from "../../properties/replay.ts";
import { properties, type Property } from "../../properties/invariants.ts";
import { ScenarioCache, checkProperty, type CellVerdict } from "../../properties/check-property.ts";
import type { Config } from "../../model/config.ts";

interface Options {
  config?: string;
  disk?: string;
  containerd?: string;
  runs: string;
  seed?: string;
  property?: string;
  path?: string;
  out: string;
  json?: boolean;
}

export function registerExplore(program: Command): void {
  program
    .command("explore")
    .description("random scenarios on one configuration, every property checked; violations shrunk and saved as replayable traces; exit 1 if any")
    .option("--config <config>", "configuration <containerd-variant>/<kubelet-variant>", "baseline/99748")
    .option(...diskOption)
    .option(...releaseOption)
    .option("--runs <n>", "random scenarios per property", "1000")
    .option("--seed <s>", "fast-check seed (default: a new one, printed)")
    .option("--property <p>", "only this property")
    .option("--path <path>", "with --seed and --property: replay the fast-check run at this path, as a failure printed it")
    .option("--out <dir>", "where counterexample traces are written", "explored")
    .option("--json", "print the verdicts as JSON")
    .action((opts: Options) => {
      const config = resolveConfig(opts.config, undefined, opts.disk, opts.containerd);
      const runs = positiveInt("--runs", opts.runs);
      const seed = seedOption(opts.seed, Math.floor(Math.random() * 2 ** 31));
      if (opts.property !== undefined && !properties.includes(opts.property as Property)) {
        fail(`--property: unknown property ${JSON.stringify(opts.property)}; one of ${properties.join(", ")}`);
      }
      if (opts.path !== undefined && (opts.seed === undefined || opts.property === undefined)) {
        fail("--path: give it with the --seed and --property it was printed with");
      }
      const selected = opts.property ? [opts.property as Property] : properties;
      const examples = tracesFor(config.disk.layout, traceFiles("traces").map(loadTrace), config.release.name);
      const cache = new ScenarioCache(config);
      const progress = new Progress(opts.json);
      const results = selected.map((property) => {
        const result = checkProperty(cache, property, {
          runs,
          seed,
          examples,
          ...(opts.path === undefined ? {} : { path: opts.path }),
          onRun: (n) => progress.update(`${config.name} ${property}: ${n}/${runs}`),
        });
        progress.done(`${config.name} ${property}: ${result.verdict === "holds" ? `holds after ${result.runs} scenarios` : "violated"}`);
        return { result, saved: result.verdict === "violated" ? save(opts.out, config, result) : null };
      });
      if (opts.json) {
        console.log(JSON.stringify({ config: config.name, disk: config.disk.layout, containerd: config.release.name, seed, runs, results: results.map(({ result, saved }) => ({ ...result, trace: saved })) }, null, 2));
      } else {
        console.log(`explore ${config.name}, disk ${config.disk.layout}, containerd ${config.release.name}, seed ${seed}, ${runs} random scenarios per property (plus ${examples.length} known traces)\n`);
        for (const { result, saved } of results) print(config, result, saved);
      }
      process.exitCode = results.some((r) => r.result.verdict === "violated") ? exitCodes.violated : exitCodes.holds;
    });
}

function save(dir: string, config: Config, result: Extract<CellVerdict, { verdict: "violated" }>): string {
  const c = result.counterexample;
  const trace = counterexampleTrace(config.name, result.property, c, config.disk.layout, config.release.name);
  return saveTrace(dir, trace);
}

function print(config: Config, result: CellVerdict, saved: string | null): void {
  if (result.verdict === "holds") {
    console.log(`${result.property}: holds after ${result.runs} scenarios\n`);
    return;
  }
  const c = result.counterexample;
  console.log(`${result.property}: VIOLATED at event ${c.event} of ${c.events.length}: ${c.message}`);
  console.log(c.trace ? `  found by the known trace ${c.trace}` : `  seed ${c.seed}, path ${c.path}: ${exploreCommand(config.name, result.property, c, config.disk.layout, config.release.name)}`);
  console.log(formatTimeline(replay(c.events, config).timeline).replace(/^/gm, "  "));
  console.log(`  saved: ${saved}; replay it with: restart-sim replay ${saved}\n`);
}
