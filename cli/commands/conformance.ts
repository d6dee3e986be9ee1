// restart-sim conformance [TRACE...] [--json]: each trace on the real containerd (1.6, 1.7 or
// both) and on the model, compared field by field. Traces with events the real daemon cannot run (kubelet,
// pods, a partly full disk) are skipped with a message. One run at a time on the host
// (host-lock.ts); before the first trace, what runs killed earlier left on the host is
// removed (stale-runs.ts); Ctrl-C cleans up (interrupt.ts).
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
import { takeHostLock } from "../../conformance/host-lock.ts";
import type { DiskLayout } from "../../conformance/environment.ts";
import type { DiskKind } from "../../conformance/disk.ts";
import { buildContainerd, type Built } from "../../conformance/build/build.ts";
import { daemonLabel, fetchContainerd17, recordedDir, releases, type Containerd17, type Release } from "../../conformance/containerd-1.7.ts";
import { variantNames } from "../../conformance/build/patches.ts";
import { judge, type Judged } from "../../conformance/known-differences.ts";
import { onRelease, type Config } from "../../model/config.ts";
import { releaseOf } from "../../model/releases.ts";

interface Options {
  json?: boolean;
  config?: string;
  fs?: string;
  layout?: string;
  record?: string;
  variant?: string;
  containerd?: string;
}

interface TraceReport {
  containerd: Release;
  variant: string;
  trace: string;
  wallMs: number;
  notes: string[];
  fields: FieldResult[];
  /** The disagreements split into listed findings, unexpected ones and stale entries. */
  judged: Judged;
}

/** One daemon to run the traces on, and the model configuration to compare it with. */
interface Target {
  release: Release;
  config: Config;
  /** A variant built from Debian's source; undefined: the packaged containerd on PATH. */
  build: Built | undefined;
  /** Set for release 1.7: Debian trixie's binaries (containerd-1.7.ts). */
  containerd17: Containerd17 | undefined;
}

export function registerConformance(program: Command): void {
  program
    .command("conformance")
    .description("run traces on the real containerd (root) and on the model; print agree/disagree per field; exit 1 on a disagreement")
    .argument("[traces...]", "trace files; default: every trace under traces/ the real daemon can run")
    .option("--config <config>", "model configuration to compare with (the kubelet half does not matter here); default baseline/99748, or the --variant's")
    .option("--fs <kind>", "small filesystem: ext4-loop (default) or tmpfs")
    .option("--layout <layout>", "split-cri (default: the CRI dir is its own full filesystem, as disk.fill means) or single")
    .option("--variant <name>", `containerd 1.6.20 built from Debian's source with this variant's patch (conformance/patches/), compared with the model under that variant: ${variantNames().join(", ")}, or all`)
    .option("--containerd <version>", "the real daemon: 1.6 (default; Debian bookworm's, installed), 1.7 (Debian trixie's 1.7.24, fetched once into /var/cache/restart-sim/containerd-1.7, nothing installed) or all; each is compared with the model on its release (model/releases.ts)")
    .option("--record <dir>", "also write each real observation to <dir>/<containerd variant>/<trace>.json, containerd 1.7's to <dir>/<variant>/containerd-1.7/<trace>.json (conformance/recorded/ is checked by npm test)")
    .option("--json", "print the comparisons as JSON")
    .action(async (paths: string[], opts: Options) => {
      if (opts.fs !== undefined && opts.fs !== "ext4-loop" && opts.fs !== "tmpfs") fail(`--fs: expected ext4-loop or tmpfs, got ${JSON.stringify(opts.fs)}`);
      if (opts.layout !== undefined && opts.layout !== "split-cri" && opts.layout !== "single") {
        fail(`--layout: expected split-cri or single, got ${JSON.stringify(opts.layout)}`);
      }
      const wanted = opts.containerd ?? "1.6";
      if (wanted !== "all" && !(releases as readonly string[]).includes(wanted)) fail(`--containerd: expected 1.6, 1.7 or all, got ${JSON.stringify(wanted)}`);
      const onReleases: Release[] = wanted === "all" ? [...releases] : [wanted as Release];
      if (opts.variant !== undefined && onReleases.includes("1.7")) fail(`--variant ${opts.variant}: patched builds exist for containerd 1.6 only; give --containerd 1.6 with it`);
      const config = resolveConfig(opts.config);
      const variants = opts.variant === undefined ? [] : opts.variant === "all" ? variantNames() : [opts.variant];
      const unknown = variants.find((v) => !variantNames().includes(v));
      if (unknown !== undefined) fail(`--variant: expected one of ${variantNames().join(", ")} or all, got ${JSON.stringify(unknown)}`);
      if (opts.config !== undefined && opts.variant !== undefined && (variants.length > 1 || variants[0] !== config.containerd.name)) {
        fail(`--config ${opts.config} names containerd ${config.containerd.name}, --variant ${opts.variant} another; give one of them`);
      }
      const traces = (paths.length > 0 ? paths : traceFiles("traces")).map(loadTrace);
      const runnable = traces.filter((t) => {
        const bad = unsupportedEvents(t);
        if (bad.length > 0) console.error(`skip ${t.name}: the real daemon cannot run ${[...new Set(bad.map((b) => b.type))].join(", ")}`);
        return bad.length === 0;
      });
      const missing = missingPrerequisites();
      if (missing) fail(`conformance: ${missing}`);
      installSignalHandlers();
      const say = (line: string) => console.error(line);
      // Held until this process exits: runs one at a time on the host (host-lock.ts).
      await takeHostLock(say);
      await reportStaleRuns();
      const reports: TraceReport[] = [];
      // Each variant is built (or found in the cache), and 1.7 fetched, just before its traces run.
      const targetFor = async (release: Release, v: string | undefined): Promise<Target> =>
        release === "1.7"
          ? { release, config: onRelease(config, releaseOf(release)), build: undefined, containerd17: await fetchContainerd17(say) }
          : v === undefined
            ? { release, config, build: undefined, containerd17: undefined }
            : { release, config: resolveConfig(`${v}/${config.kubelet.name}`), build: await buildContainerd(v, say), containerd17: undefined };
      const runs = onReleases.flatMap((r) => (r === "1.6" && variants.length > 0 ? variants : [undefined]).map((v) => [r, v] as const));
      for (const [release, v] of runs) {
        const target = await targetFor(release, v);
        const variant = target.config.containerd.name;
        const label = daemonLabel(release, variant);
        const on = target.build
          ? `containerd 1.6.20 + ${variant} (${target.build.revision})`
          : target.containerd17
            ? `containerd ${target.containerd17.revision}`
            : "the real containerd";
        for (const [i, trace] of runnable.entries()) {
          await untilInterruptHandled(); // after Ctrl-C, no next trace (the handler exits)
          console.error(`[${i + 1}/${runnable.length}] ${trace.name} on ${on}...`);
          const real = await runTraceDetailed(trace, {
            ...(opts.fs ? { fs: opts.fs as DiskKind } : {}),
            ...(opts.layout ? { layout: opts.layout as DiskLayout } : {}),
            ...(target.build ? { containerd: target.build.binary } : {}),
            ...(target.containerd17 ? { containerd17: target.containerd17 } : {}),
          }).catch((err: unknown) => untilInterruptHandled() ?? Promise.reject(err));
          if (target.build) proveBinary(trace.name, real.revisions, target.build.revision, `the binary built for ${variant}`);
          if (target.containerd17) proveBinary(trace.name, real.revisions, target.containerd17.revision, `Debian trixie's containerd ${target.containerd17.revision}`);
          if (opts.record) writeRecording(join(opts.record, recordedDir(release, variant)), trace.name, real.observation);
          const model = replay(trace.events, target.config, { log: false }).observation;
          const fields = compareObservations(model, real.observation);
          const judged = judge(label, trace.name, fields);
          reports.push({ containerd: release, variant, trace: trace.name, wallMs: real.wallMs, notes: real.notes, fields, judged });
          if (!opts.json) printReport(runs.length > 1 ? `${label}: ${trace.name}` : trace.name, real.wallMs, fields, judged);
        }
      }
      if (opts.json) console.log(JSON.stringify(reports, null, 2));
      const disagreeing = reports.filter((r) => r.judged.unexpected.length > 0 || r.judged.stale.length > 0);
      if (runs.length > 1 && !opts.json) printTable(reports);
      const withFindings = reports.filter((r) => r.judged.known.length > 0 && !disagreeing.includes(r)).length;
      console.error(`${reports.length - disagreeing.length - withFindings} agreed, ${withFindings} differed only as listed in conformance/known-differences.ts, ${disagreeing.length} disagreed`);
      process.exitCode = disagreeing.length > 0 ? exitCodes.violated : exitCodes.holds;
    });
}

/** Cleans what killed runs left and says what it removed, and what it could not. */
async function reportStaleRuns(): Promise<void> {
  for (const stale of await cleanStaleRuns()) {
    const owner = stale.ownerPid ? `its harness, pid ${stale.ownerPid}, is gone` : "it has no record";
    console.error(`removed the leftovers of a killed run in ${stale.base} (${owner}) in ${(stale.ms / 1000).toFixed(1)} s: ${stale.steps.join("; ")}`);
    if (stale.leftovers.length > 0) console.error(`WARNING: could not remove all of ${stale.base}: ${stale.leftovers.join("; ")}`);
  }
}

function writeRecording(dir: string, name: string, observation: Observation): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(observation, null, 2)}\n`);
}

function printReport(name: string, wallMs: number, fields: FieldResult[], judged: Judged): void {
  const bad = judged.unexpected.length + judged.stale.length;
  const verdict = bad > 0 ? "DISAGREES" : judged.known.length > 0 ? "differs as listed" : "agrees";
  const agreeing = fields.length - judged.unexpected.length - judged.known.length;
  console.log(`${name}: ${verdict} on ${agreeing}/${fields.length} fields agreeing (${(wallMs / 1000).toFixed(1)} s)`);
  const line = (label: string, f: { field: string; model: unknown; real: unknown }) =>
    console.log(`  ${label.padEnd(16)} ${f.field}: model ${JSON.stringify(f.model)}, real ${JSON.stringify(f.real)}`);
  for (const f of judged.unexpected) line("disagree", f);
  for (const k of judged.stale) line("listed, not seen", k);
  for (const f of judged.known) line("known finding", f);
  for (const f of fields.filter((x) => x.verdict === "nondeterministic")) line("nondeterministic", f);
}

/** variant x trace: agree, known (differs only as listed in known-differences.ts) or DIFFER. */
function printTable(reports: TraceReport[]): void {
  const variants = [...new Set(reports.map((r) => daemonLabel(r.containerd, r.variant)))];
  const traces = [...new Set(reports.map((r) => r.trace))];
  const width = Math.max(...traces.map((t) => t.length));
  console.log(`\n${"".padEnd(width)}  ${variants.join("  ")}`);
  for (const trace of traces) {
    const cells = variants.map((v) => {
      const r = reports.find((x) => daemonLabel(x.containerd, x.variant) === v && x.trace === trace);
      const text = !r ? "-" : r.judged.unexpected.length + r.judged.stale.length > 0 ? "DIFFER" : r.judged.known.length > 0 ? "known" : "agree";
      return text.padEnd(v.length);
    });
    console.log(`${trace.padEnd(width)}  ${cells.join("  ")}`);
  }
}

/** Every daemon start of the run logged `revision`: the binary that ran is `what`. */
function proveBinary(trace: string, revisions: string[], revision: string, what: string): void {
  const wrong = revisions.find((r) => r !== revision);
  if (revisions.length === 0 || wrong !== undefined) {
    throw new Error(`${trace}: the daemon logged revision ${JSON.stringify(wrong ?? "none")}, not ${revision}: not ${what}`);
  }
}
