// restart-sim compare [--runs N] [--seed S] [--out DIR] [--json]: the design review. Every
// configuration x every property of design.md, a configuration per worker thread; the matrix,
// the costs table and what goes wrong with each variant and what it costs on the terminal; index.html, report.md, results.json
// and the counterexample traces in DIR. Exit 1 when a cell differs from the expected table.
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { allConfigs } from "../../model/config.ts";
import { properties } from "../../properties/invariants.ts";
import { verdictRuns, verdictSeed } from "../../properties/verdicts.ts";
import { loadTrace, traceFiles } from "../load-trace.ts";
import { exitCodes } from "../exit.ts";
import { positiveInt, seedOption } from "../options.ts";
import { Progress } from "../progress.ts";
import { checkConfigs } from "../report/pool.ts";
import { buildResults, differences, resultsJson } from "../report/results.ts";
import { variantFindings } from "../report/findings.ts";
import { patchSize } from "../report/patch-size.ts";
import { prepareReportDir, writeReport } from "../report/write-report.ts";
import { formatCosts, formatDifferences, formatFindings, formatMatrix } from "../report/terminal.ts";
import { ReviewProgress } from "../report/progress-bar.ts";

/** The verdict tests' runs and seed: the review shows by default what `npm test` asserts, and two runs give the same results.json. */
const defaultRuns = verdictRuns;
const defaultSeed = verdictSeed;

const knownTracesDir = new URL("../../traces", import.meta.url).pathname;

interface Options {
  runs: string;
  seed: string;
  out: string;
  json?: boolean;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("the design review: every configuration x every property; the matrix, what goes wrong with each variant, a report in --out; exit 1 if a cell differs from the expected table")
    .option("--runs <n>", "random scenarios per cell, after the known traces", String(defaultRuns))
    .option("--seed <s>", "fast-check seed", String(defaultSeed))
    .option("--out <dir>", "report directory", "report")
    .option("--json", "print results.json instead of the matrix")
    .action(async (opts: Options) => {
      const runs = positiveInt("--runs", opts.runs);
      const seed = seedOption(opts.seed, defaultSeed);
      prepareReportDir(opts.out);
      const known = traceFiles(knownTracesDir).map(loadTrace);
      const configs = allConfigs();
      const jobs = configs.map((c) => ({ config: c.name, runs, seed, examples: known.map((t) => ({ name: t.name, events: t.events })) }));
      const workers = Math.min(availableParallelism(), jobs.length);
      const started = performance.now();
      const output = new Progress(opts.json);
      const bar = new ReviewProgress(jobs.length, runs);
      const checked = await checkConfigs(
        jobs,
        {
          onStart: (config) => bar.start(config),
          onProgress: (config, p) => {
            bar.progress(config, p);
            output.update(bar.line());
          },
          onDone: (result) => {
            bar.done(result.config);
            const violated = result.verdicts.filter((v) => v.verdict === "violated").length;
            output.done(`${result.config}: ${violated} violated, ${result.verdicts.length - violated} hold (${seconds(started)} s)`);
          },
        },
        workers,
      );
      const results = buildResults(seed, runs, known.map((t) => t.name), checked, patchSize);
      const findings = variantFindings(results);
      const written = writeReport(opts.out, results, findings);
      if (opts.json) {
        process.stdout.write(resultsJson(results));
      } else {
        console.log(`\n${configs.length} configurations x ${properties.length} properties: the ${known.length} known traces, then ${runs} random scenarios per cell (seed ${seed})\n`);
        console.log(formatMatrix(results));
        console.log(`\nWhat each containerd variant costs:\n${formatCosts(results)}\n`);
        console.log(`What goes wrong with each containerd variant, and what it costs:\n${formatFindings(findings)}\n`);
        console.log(formatDifferences(results));
        console.log(`\nReport: ${written.html} (open it in a browser), ${written.markdown}, ${written.json}; ${written.traces} counterexample traces in ${opts.out}/traces/`);
      }
      console.error(`compare took ${seconds(started)} s on ${workers} worker thread(s)`);
      process.exitCode = differences(results).length > 0 ? exitCodes.violated : exitCodes.holds;
    });
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
