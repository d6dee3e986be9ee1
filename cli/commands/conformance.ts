// restart-sim conformance [TRACE...] [--json]: each trace on the real containerd and on the
// model, compared field by field. Traces with events the real daemon cannot run (kubelet,
// pods, a partly full disk) are skipped with a message. Before the first trace, what runs
// killed earlier left on the host is removed (stale-runs.ts); Ctrl-C cleans up (interrupt.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { Observation } from "../../model/observation.ts";
import { loadTrace, resolveConfig, traceFiles } from "../load-trace.ts";
import { replay } from "../../properties/replay.ts";
import { fail, exitCodes } from "../exit.ts";
import { compareObservations, type FieldResult } from "../../conformance/compare.ts";
import { runTraceDetailed, unsupportedEvents } from "../../conformance/run-trace.ts";
import { missingPrerequisites } from "../../conformance/preflight.ts";
import { installSignalHandlers, untilInterruptHandled } from "../../conformance/interrupt.ts";
import { cleanStaleRuns } from "../../conformance/stale-runs.ts";
import type { DiskLayout } from "../../conformance/environment.ts";
import type { DiskKind } from "../../conformance/disk.ts";

interface Options {
  json?: boolean;
  config?: string;
  fs?: string;
  layout?: string;
  record?: string;
}

export function registerConformance(program: Command): void {
  program
    .command("conformance")
    .description("run traces on the real containerd (root) and on the model; print agree/disagree per field; exit 1 on a disagreement")
    .argument("[traces...]", "trace files; default: every trace under traces/ the real daemon can run")
    .option("--config <config>", "model configuration to compare with (the kubelet half does not matter here)", "baseline/99748")
    .option("--fs <kind>", "small filesystem: ext4-loop (default) or tmpfs")
    .option("--layout <layout>", "split-cri (default: the CRI dir is its own full filesystem, as disk.fill means) or single")
    .option("--record <dir>", "also write each real observation to <dir>/<trace>.json (conformance/recorded/ is checked by npm test)")
    .option("--json", "print the comparisons as JSON")
    .action(async (paths: string[], opts: Options) => {
      if (opts.fs !== undefined && opts.fs !== "ext4-loop" && opts.fs !== "tmpfs") fail(`--fs: expected ext4-loop or tmpfs, got ${JSON.stringify(opts.fs)}`);
      if (opts.layout !== undefined && opts.layout !== "split-cri" && opts.layout !== "single") {
        fail(`--layout: expected split-cri or single, got ${JSON.stringify(opts.layout)}`);
      }
      const config = resolveConfig(opts.config);
      const traces = (paths.length > 0 ? paths : traceFiles("traces")).map(loadTrace);
      const runnable = traces.filter((t) => {
        const bad = unsupportedEvents(t);
        if (bad.length > 0) console.error(`skip ${t.name}: the real daemon cannot run ${[...new Set(bad.map((b) => b.type))].join(", ")}`);
        return bad.length === 0;
      });
      const missing = missingPrerequisites();
      if (missing) fail(`conformance: ${missing}`);
      installSignalHandlers();
      await reportStaleRuns();
      const reports = [];
      for (const [i, trace] of runnable.entries()) {
        console.error(`[${i + 1}/${runnable.length}] ${trace.name} on the real containerd...`);
        const real = await runTraceDetailed(trace, {
          ...(opts.fs ? { fs: opts.fs as DiskKind } : {}),
          ...(opts.layout ? { layout: opts.layout as DiskLayout } : {}),
        }).catch((err: unknown) => untilInterruptHandled() ?? Promise.reject(err));
        if (opts.record) writeRecording(opts.record, trace.name, real.observation);
        const model = replay(trace.events, config, { log: false }).observation;
        const fields = compareObservations(model, real.observation);
        reports.push({ trace: trace.name, wallMs: real.wallMs, notes: real.notes, fields });
        if (!opts.json) printReport(trace.name, real.wallMs, fields);
      }
      if (opts.json) console.log(JSON.stringify(reports, null, 2));
      const disagreeing = reports.filter((r) => r.fields.some((f) => f.verdict === "disagree"));
      console.error(`${reports.length - disagreeing.length} agreed, ${disagreeing.length} disagreed`);
      process.exitCode = disagreeing.length > 0 ? exitCodes.violated : exitCodes.holds;
    });
}

/** Cleans what killed runs left and says what it removed, and what it could not. */
async function reportStaleRuns(): Promise<void> {
  for (const stale of await cleanStaleRuns()) {
    const owner = stale.ownerPid ? `its harness, pid ${stale.ownerPid}, is gone` : "it has no record";
    console.error(`removed the leftovers of a killed run in ${stale.base} (${owner}): ${stale.steps.join("; ")}`);
    if (stale.leftovers.length > 0) console.error(`WARNING: could not remove all of ${stale.base}: ${stale.leftovers.join("; ")}`);
  }
}

function writeRecording(dir: string, name: string, observation: Observation): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(observation, null, 2)}\n`);
}

function printReport(name: string, wallMs: number, fields: FieldResult[]): void {
  const disagree = fields.filter((f) => f.verdict === "disagree");
  const nondeterministic = fields.filter((f) => f.verdict === "nondeterministic");
  console.log(`${name}: ${disagree.length === 0 ? "agrees" : "DISAGREES"} on ${fields.length - disagree.length}/${fields.length} fields (${(wallMs / 1000).toFixed(1)} s)`);
  for (const f of [...disagree, ...nondeterministic]) {
    console.log(`  ${f.verdict.padEnd(16)} ${f.field}: model ${JSON.stringify(f.model)}, real ${JSON.stringify(f.real)}`);
  }
}
