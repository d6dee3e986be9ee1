// restart-sim explore --config C [--runs N] [--seed S] [--property P] [--out DIR] [--json]
// Random scenarios against one configuration, every property; a violation is shrunk, shown as
// a timeline, and saved as a trace file that `replay` reproduces exactly.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { loadTrace, resolveConfig, traceFiles } from "../load-trace.ts";
import { fail, exitCodes } from "../exit.ts";
import { Progress } from "../progress.ts";
import { formatTimeline } from "../timeline.ts";
import { replay } from "../../properties/replay.ts";
import { properties, type Property } from "../../properties/invariants.ts";
import { ScenarioCache, checkProperty, type CellVerdict } from "../../properties/check-property.ts";
import type { Trace } from "../../model/trace.ts";
import type { Config } from "../../model/config.ts";

interface Options {
  config?: string;
  runs: string;
  seed?: string;
  property?: string;
  out: string;
  json?: boolean;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) fail(`${flag}: expected a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

export function registerExplore(program: Command): void {
  program
    .command("explore")
    .description("random scenarios on one configuration, every property checked; violations shrunk and saved as replayable traces; exit 1 if any")
    .option("--config <config>", "configuration <containerd-variant>/<kubelet-variant>", "baseline/99748")
    .option("--runs <n>", "random scenarios per property", "1000")
    .option("--seed <s>", "fast-check seed (default: a new one, printed)")
    .option("--property <p>", "only this property")
    .option("--out <dir>", "where counterexample traces are written", "explored")
    .option("--json", "print the verdicts as JSON")
    .action((opts: Options) => {
      const config = resolveConfig(opts.config);
      const runs = positiveInt("--runs", opts.runs);
      const seed = opts.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(opts.seed);
      if (!Number.isSafeInteger(seed)) fail(`--seed: expected an integer, got ${JSON.stringify(opts.seed)}`);
      if (opts.property !== undefined && !properties.includes(opts.property as Property)) {
        fail(`--property: unknown property ${JSON.stringify(opts.property)}; one of ${properties.join(", ")}`);
      }
      const selected = opts.property ? [opts.property as Property] : properties;
      const examples = traceFiles("traces").map(loadTrace);
      const cache = new ScenarioCache(config);
      const progress = new Progress(opts.json);
      const results = selected.map((property) => {
        const result = checkProperty(cache, property, { runs, seed, examples, onRun: (n) => progress.update(`${config.name} ${property}: ${n}/${runs}`) });
        progress.done(`${config.name} ${property}: ${result.verdict === "holds" ? `holds after ${result.runs} scenarios` : "violated"}`);
        return { result, saved: result.verdict === "violated" ? save(opts.out, config, seed, result) : null };
      });
      if (opts.json) {
        console.log(JSON.stringify({ config: config.name, seed, runs, results: results.map(({ result, saved }) => ({ ...result, trace: saved })) }, null, 2));
      } else {
        console.log(`explore ${config.name}, seed ${seed}, ${runs} random scenarios per property (plus ${examples.length} known traces)\n`);
        for (const { result, saved } of results) print(config, result, saved);
      }
      process.exitCode = results.some((r) => r.result.verdict === "violated") ? exitCodes.violated : exitCodes.holds;
    });
}

function save(dir: string, config: Config, seed: number, result: Extract<CellVerdict, { verdict: "violated" }>): string {
  const c = result.counterexample;
  const origin = c.trace ? `the known trace ${c.trace}` : `restart-sim explore --config ${config.name} --seed ${c.seed} (path ${c.path})`;
  const trace: Trace = {
    name: `${config.name.replace("/", "-")}-${result.property}`,
    description: `Shortest counterexample of ${result.property} on ${config.name}, found by ${origin}: ${c.message}`,
    config: config.name,
    events: c.events,
  };
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${trace.name}.json`);
  writeFileSync(path, `${JSON.stringify(trace, null, 2)}\n`);
  return path;
}

function print(config: Config, result: CellVerdict, saved: string | null): void {
  if (result.verdict === "holds") {
    console.log(`${result.property}: holds after ${result.runs} scenarios\n`);
    return;
  }
  const c = result.counterexample;
  console.log(`${result.property}: VIOLATED at event ${c.event} of ${c.events.length}: ${c.message}`);
  console.log(c.trace ? `  found by the known trace ${c.trace}` : `  seed ${c.seed}, path ${c.path}`);
  console.log(formatTimeline(replay(c.events, config).timeline).replace(/^/gm, "  "));
  console.log(`  saved: ${saved}; replay it with: restart-sim replay ${saved}\n`);
}
