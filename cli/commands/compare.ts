// restart-sim compare [--runs N] [--shared-runs N] [--disk split|shared] [--containerd 1.6|1.7] [--seed S] [--out DIR] [--json]:
// the design review. Every configuration x every property of design.md, a configuration per
// worker thread, on the split disk layout and then on the shared one (a second matrix, with
// fewer scenarios per cell); the matrices, the costs table (over the first matrix's
// scenarios), what goes wrong with each variant and what it costs, and where the layouts
// disagree on the terminal; index.html, report.md, results.json and the counterexample traces
// in DIR. With --containerd 1.7 the same on containerd 1.7's model (model/releases.ts), and
// which cells the table judges differently there than on 1.6. Exit 1 when a cell differs
// from the expected table.
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { allConfigs } from "../../model/config.ts";
import { properties } from "../../properties/invariants.ts";
import { sharedVerdictRuns, verdictRuns, verdictSeed } from "../../properties/verdicts.ts";
import { tracesFor } from "../../properties/trace-files.ts";
import type { DiskLayout } from "../../model/disk.ts";
import type { Trace } from "../../model/trace.ts";
import { containerdRelease, diskLayout, loadTrace, releaseOption, traceFiles } from "../load-trace.ts";
import { defaultRelease } from "../../model/releases.ts";
import { exitCodes } from "../exit.ts";
import { positiveInt, seedOption } from "../options.ts";
import { Progress } from "../progress.ts";
import { checkConfigs } from "../report/pool.ts";
import { buildResults, differences, resultsJson, withShared, type Results } from "../report/results.ts";
import { variantFindings } from "../report/findings.ts";
import { withDaemons } from "../report/daemon.ts";
import { patchSize } from "../report/patch-size.ts";
import { prepareReportDir, writeReport } from "../report/write-report.ts";
import { formatCosts, formatDifferences, formatFindings, formatLayoutDifferences, formatMatrix, formatReleaseDifferences } from "../report/terminal.ts";
import { ReviewProgress } from "../report/progress-bar.ts";

/** The verdict tests' runs and seed: the review shows by default what `npm test` asserts, and two runs give the same results.json. */
const defaultRuns = verdictRuns;
const defaultSeed = verdictSeed;

const knownTracesDir = new URL("../../traces", import.meta.url).pathname;

interface Options {
  runs: string;
  sharedRuns: string;
  disk?: string;
  containerd?: string;
  seed: string;
  out: string;
  json?: boolean;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("the design review: every configuration x every property; the matrix, what goes wrong with each variant, a report in --out; exit 1 if a cell differs from the expected table")
    .option("--runs <n>", "random scenarios per cell of the split layout's matrix, after the known traces", String(defaultRuns))
    .option("--shared-runs <n>", "random scenarios per cell of the shared layout's matrix", String(sharedVerdictRuns))
    .option("--disk <layout>", "only this layout's matrix: split or shared (default: both)")
    .option(releaseOption[0], "the containerd release the model runs: 1.6 (default) or 1.7 (1.7.24 and main; model/releases.ts), whose table cells that differ from 1.6 are listed")
    .option("--seed <s>", "fast-check seed", String(defaultSeed))
    .option("--out <dir>", "report directory", "report")
    .option("--json", "print results.json instead of the matrix")
    .action(async (opts: Options) => {
      const runs = positiveInt("--runs", opts.runs);
      const sharedRuns = positiveInt("--shared-runs", opts.sharedRuns);
      const only = opts.disk === undefined ? null : diskLayout(opts.disk);
      const release = opts.containerd === undefined ? defaultRelease : containerdRelease(opts.containerd);
      const seed = seedOption(opts.seed, defaultSeed);
      prepareReportDir(opts.out);
      const known = traceFiles(knownTracesDir).map(loadTrace);
      const configs = allConfigs();
      const workers = Math.min(availableParallelism(), configs.length);
      const started = performance.now();
      const output = new Progress(opts.json);
      /** One layout's matrix on the worker pool: its known traces first, then its scenarios. */
      const matrix = async (disk: DiskLayout, runsPerCell: number): Promise<Results> => {
        const traces: Trace[] = tracesFor(disk, known, release.name);
        const jobs = configs.map((c) => ({ config: c.name, disk, containerd: release.name, runs: runsPerCell, seed, examples: traces.map((t) => ({ name: t.name, events: t.events })) }));
        const bar = new ReviewProgress(jobs.length, runsPerCell);
        const checked = await checkConfigs(
          jobs,
          {
            onStart: (config) => bar.start(config),
            onProgress: (config, p) => {
              bar.progress(config, p);
              output.update(`${disk}: ${bar.line()}`);
            },
            onDone: (result) => {
              bar.done(result.config);
              const violated = result.verdicts.filter((v) => v.verdict === "violated").length;
              output.done(`${result.config} (disk ${disk}): ${violated} violated, ${result.verdicts.length - violated} hold (${seconds(started)} s)`);
            },
          },
          workers,
        );
        return buildResults(seed, runsPerCell, traces.map((t) => t.name), checked, patchSize, disk, release.name);
      };
      const split = only === "shared" ? null : await matrix("split", runs);
      const shared = only === "split" ? null : await matrix("shared", sharedRuns);
      // With --disk shared alone, the shared matrix (and its costs) stands where the split one would.
      // Each cell beside what its variant's real daemon showed (conformance/recorded/): no root needed.
      const results: Results = withDaemons(split ? (shared ? withShared(split, shared) : split) : shared!);
      const findings = variantFindings(results);
      const written = writeReport(opts.out, results, findings);
      if (opts.json) {
        process.stdout.write(resultsJson(results));
      } else {
        const first = split ? "split" : "shared";
        const on = release === defaultRelease ? "" : `, containerd ${release.name}`;
        console.log(`\n${configs.length} configurations x ${properties.length} properties on the ${first} disk layout${on}: the ${results.knownTraces.length} known traces, then ${results.runs} random scenarios per cell (seed ${seed})\n`);
        console.log(formatMatrix(results));
        console.log(`\nWhat each containerd variant costs (over the ${first} layout's scenarios):\n${formatCosts(results)}\n`);
        console.log(`What goes wrong with each containerd variant, and what it costs:\n${formatFindings(findings)}\n`);
        const onShared = results.shared;
        if (onShared) {
          console.log(`\nThe shared disk layout (containerd's whole root on one filesystem): the ${onShared.knownTraces.length} known traces, then ${onShared.runs} random scenarios per cell\n`);
          console.log(formatMatrix(onShared));
          console.log(`\n${formatLayoutDifferences(results)}\n`);
        }
        if (results.containerd) console.log(`\n${formatReleaseDifferences(results)}\n`);
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
