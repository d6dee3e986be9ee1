// restart-sim conformance [TRACE...] [--disk split|shared] [--json]: each trace on the real
// containerd (1.6, 1.7 or both) and on the model, compared field by field, in the trace's disk
// layout or --disk's. Traces with events the real daemon cannot run (kubelet, pods, a
// clock.tick too long to wait, a disk.room no real filesystem can give) are skipped with a
// message. One run at a time on the host (host-lock.ts); before the first trace, what runs
// killed earlier left on the host is removed (stale-runs.ts); Ctrl-C cleans up (interrupt.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { diskLayout, diskOption, loadTrace, resolveConfig, traceFiles } from "../load-trace.ts";
import { fail, exitCodes } from "../exit.ts";
import type { FieldResult } from "../../conformance/compare.ts";
import { needsTestHooks, runTraceDetailed, unsupportedEvents } from "../../conformance/run-trace.ts";
import { missingPrerequisites } from "../../conformance/preflight.ts";
import { installSignalHandlers, untilInterruptHandled } from "../../conformance/interrupt.ts";
import { cleanStaleRuns } from "../../conformance/stale-runs.ts";
import { takeHostLock } from "../../conformance/host-lock.ts";
import { harnessBlockBytes, type DiskKind } from "../../conformance/disk.ts";
import { buildContainerd, type Built } from "../../conformance/build/build.ts";
import { buildContainerd17 } from "../../conformance/build/build-1.7.ts";
import { fetchContainerd17, releases, type Containerd17, type Release } from "../../conformance/containerd-1.7.ts";
import { recordingDir, runLabel, type Recording } from "../../conformance/recordings.ts";
import { heldToModel } from "../../conformance/schedules.ts";
import { roomOnDisk } from "../../conformance/disk-room.ts";
import { patchesFor, variantNames } from "../../conformance/build/patches.ts";
import { isClean, judge, type Judged } from "../../conformance/known-differences.ts";
import { onDisk, onRelease, type Config } from "../../model/config.ts";
import { releaseOf } from "../../model/releases.ts";
import type { DiskLayout } from "../../model/disk.ts";

interface Options {
  json?: boolean;
  config?: string;
  fs?: string;
  disk?: string;
  record?: string;
  variant?: string;
  containerd?: string;
}

interface TraceReport {
  containerd: Release;
  variant: string;
  layout: DiskLayout;
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
    .option(diskOption[0], `${diskOption[1]}: split puts the CRI plugin's dir on a filesystem of its own inside the root, shared one filesystem for the whole root`)
    .option("--variant <name>", `containerd built from Debian's source with this variant's patch (1.6.20: conformance/patches/; 1.7.24, in a trixie chroot: conformance/patches/1.7/), compared with the model under that variant: ${variantNames().join(", ")}, several in the order given (NAME,NAME), or all (on 1.7: every variant ported)`)
    .option("--containerd <version>", "the real daemon: 1.6 (default; Debian bookworm's, installed), 1.7 (Debian trixie's 1.7.24, fetched once into /var/cache/restart-sim/containerd-1.7, nothing installed) or all; each is compared with the model on its release (model/releases.ts)")
    .option("--record <dir>", "also write each real observation to <dir>/<containerd variant>/<trace>.json, containerd 1.7's to <dir>/<variant>/containerd-1.7/<trace>.json, the shared layout's one dir further down, <...>/shared/<trace>.json (conformance/recorded/ is checked by npm test)")
    .option("--json", "print the comparisons as JSON")
    .action(async (paths: string[], opts: Options) => {
      if (opts.fs !== undefined && opts.fs !== "ext4-loop" && opts.fs !== "tmpfs") fail(`--fs: expected ext4-loop or tmpfs, got ${JSON.stringify(opts.fs)}`);
      const forced = opts.disk === undefined ? undefined : diskLayout(opts.disk);
      const wanted = opts.containerd ?? "1.6";
      if (wanted !== "all" && !(releases as readonly string[]).includes(wanted)) fail(`--containerd: expected 1.6, 1.7 or all, got ${JSON.stringify(wanted)}`);
      const onReleases: Release[] = wanted === "all" ? [...releases] : [wanted as Release];
      const config = resolveConfig(opts.config);
      const variants = opts.variant === undefined ? [] : opts.variant === "all" ? variantNames() : opts.variant.split(",");
      const unknown = variants.find((v) => !variantNames().includes(v));
      if (unknown !== undefined) fail(`--variant: expected one of ${variantNames().join(", ")} or all, got ${JSON.stringify(unknown)}`);
      // On 1.7, the variants whose patches are ported (conformance/patches/1.7/); naming one that is not is bad input.
      const ported = variants.filter(isPorted);
      if (onReleases.includes("1.7") && opts.variant !== "all" && ported.length < variants.length) {
        fail(`--variant ${variants.find((v) => !ported.includes(v))}: not ported to containerd 1.7 (no conformance/patches/1.7/ patch); ported: ${variantNames().filter(isPorted).join(", ")}`);
      }
      if (onReleases.includes("1.7") && opts.variant === "all") {
        for (const v of variants.filter((x) => !ported.includes(x))) console.error(`skip ${v} on containerd 1.7: not ported (no conformance/patches/1.7/ patch)`);
      }
      if (opts.config !== undefined && opts.variant !== undefined && (variants.length > 1 || variants[0] !== config.containerd.name)) {
        fail(`--config ${opts.config} names containerd ${config.containerd.name}, --variant ${opts.variant} another; give one of them`);
      }
      const traces = (paths.length > 0 ? paths : traceFiles("traces")).map(loadTrace);
      const runnable = traces.filter((t) => {
        const bad = unsupportedEvents(t);
        if (bad.length > 0) console.error(`skip ${t.name}: the real daemon cannot run ${[...new Set(bad.map((b) => `${b.type} (${b.why})`))].join("; ")}`);
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
          ? v === undefined
            ? { release, config: onRelease(config, releaseOf(release)), build: undefined, containerd17: await fetchContainerd17(say) }
            : { release, config: onRelease(resolveConfig(`${v}/${config.kubelet.name}`), releaseOf(release)), build: undefined, containerd17: await buildContainerd17(v, say) }
          : v === undefined
            ? { release, config, build: undefined, containerd17: undefined }
            : { release, config: resolveConfig(`${v}/${config.kubelet.name}`), build: await buildContainerd(v, say), containerd17: undefined };
      const runs = onReleases.flatMap((r) => (variants.length === 0 ? [undefined] : r === "1.7" ? ported : variants).map((v) => [r, v] as const));
      for (const [release, v] of runs) {
        const target = await targetFor(release, v);
        const variant = target.config.containerd.name;
        // The harness's filesystems are made with the model's block size (conformance/disk.ts); a config with another could not be compared.
        if (target.config.disk.blockBytes !== harnessBlockBytes) throw new Error(`the model counts ${target.config.disk.blockBytes}-byte blocks, the harness makes ${harnessBlockBytes}-byte ones`);
        const on = target.build
          ? `containerd 1.6.20 + ${variant} (${target.build.revision})`
          : target.containerd17
            ? `containerd ${target.containerd17.revision}`
            : "the real containerd";
        for (const [i, trace] of runnable.entries()) {
          await untilInterruptHandled(); // after Ctrl-C, no next trace (the handler exits)
          // --disk wins over the trace's own "disk", as for the model's commands.
          const layout = forced ?? trace.disk ?? "split";
          const label = runLabel(release, variant, layout);
          console.error(`[${i + 1}/${runnable.length}] ${trace.name} on ${on}${layout === "split" ? "" : `, disk ${layout}`}...`);
          const config = onDisk(target.config, layout);
          // Crash points and held calls need the TEST-ONLY hooks, which only the 1.6 --variant builds carry.
          const hooks = needsTestHooks(trace);
          if (hooks && !target.build) {
            console.error(`skip ${trace.name} on ${label}: ${hooks}, which needs a build with the test hooks (--variant, containerd 1.6)`);
            continue;
          }
          const noRoom = trace.events.flatMap((e, index) => (e.type === "disk.room" ? [roomOnDisk(trace.events, index, config)] : [])).find((r) => "cannot" in r);
          if (noRoom && "cannot" in noRoom) {
            console.error(`skip ${trace.name} on ${label}: ${noRoom.cannot}`);
            continue;
          }
          // One run of the trace on a fresh daemon and filesystem, judged against the model.
          const attempt = async () => {
            const real = await runTraceDetailed(trace, {
              disk: layout,
              config,
              ...(opts.fs ? { fs: opts.fs as DiskKind } : {}),
              ...(target.build ? { containerd: target.build.binary } : {}),
              ...(target.containerd17 ? { containerd17: target.containerd17 } : {}),
            }).catch((err: unknown) => untilInterruptHandled() ?? Promise.reject(err));
            if (target.build) proveBinary(trace.name, real.revisions, target.build.revision, `the binary built for ${variant}`);
            if (target.containerd17) proveBinary(trace.name, real.revisions, target.containerd17.revision, `Debian trixie's containerd ${target.containerd17.revision}`);
            const recording: Recording = { ...real.observation, loadOrders: real.loadOrders };
            if (opts.record) writeRecording(join(opts.record, recordingDir(release, variant, layout)), trace.name, recording);
            // The model under the same variant and layout, its restarts loading as the daemon's did (on 1.7, as it may have).
            const held = heldToModel(trace.events, release, real.loadOrders, config, real.observation, (fields) => judge(label, trace.name, fields), isClean);
            if (held.schedule) real.notes.push(`agrees under another of the model's choices, which no run reveals (containerd 1.7's parallel loads, an errgroup; bolt's freelist): ${held.schedule}`);
            return { real, fields: held.fields, judged: held.judged };
          };
          let { real, fields, judged } = await attempt();
          // A disagreement is run once more on a fresh host setup: the loop ext4 sometimes gives
          // blocks back after it was filled (a flake of the host, seen about once in 20 runs of a
          // full-disk trace). Only a disagreement that repeats fails the run; a repaired one is said.
          if (!isClean(judged)) {
            const first = judged.unexpected.map((f) => f.field);
            console.error(`${trace.name} on ${label} disagreed (${first.join(", ")}); running it once more on a fresh setup...`);
            ({ real, fields, judged } = await attempt());
            if (isClean(judged)) real.notes.push(`disagreed on a first run (${first.join(", ")}), agreed on a fresh rerun`);
          }
          reports.push({ containerd: release, variant, layout, trace: trace.name, wallMs: real.wallMs, notes: real.notes, fields, judged });
          if (!opts.json) printReport(runs.length > 1 || layout !== "split" ? `${label}: ${trace.name}` : trace.name, real.wallMs, fields, judged, real.notes);
        }
      }
      if (opts.json) console.log(JSON.stringify(reports, null, 2));
      const disagreeing = reports.filter((r) => !isClean(r.judged));
      if (new Set(reports.map((r) => runLabel(r.containerd, r.variant, r.layout))).size > 1 && !opts.json) printTable(reports);
      const withFindings = reports.filter((r) => r.judged.known.length > 0 && !disagreeing.includes(r)).length;
      console.error(`${reports.length - disagreeing.length - withFindings} agreed, ${withFindings} differed only as listed in conformance/known-differences.ts, ${disagreeing.length} disagreed`);
      process.exitCode = disagreeing.length > 0 ? exitCodes.violated : exitCodes.holds;
    });
}

/** A variant whose patches exist for containerd 1.7 (baseline: trixie's tree as shipped, built from source). */
function isPorted(variant: string): boolean {
  try {
    patchesFor(variant, "1.7");
    return true;
  } catch {
    return false;
  }
}

/** Cleans what killed runs left and says what it removed, and what it could not. */
async function reportStaleRuns(): Promise<void> {
  for (const stale of await cleanStaleRuns()) {
    const owner = stale.ownerPid ? `its harness, pid ${stale.ownerPid}, is gone` : "it has no record";
    console.error(`removed the leftovers of a killed run in ${stale.base} (${owner}) in ${(stale.ms / 1000).toFixed(1)} s: ${stale.steps.join("; ")}`);
    if (stale.leftovers.length > 0) console.error(`WARNING: could not remove all of ${stale.base}: ${stale.leftovers.join("; ")}`);
  }
}

function writeRecording(dir: string, name: string, recording: Recording): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(recording, null, 2)}\n`);
}

function printReport(name: string, wallMs: number, fields: FieldResult[], judged: Judged, notes: string[]): void {
  const verdict = !isClean(judged) ? "DISAGREES" : judged.known.length > 0 ? "differs as listed" : "agrees";
  const agreeing = fields.length - judged.unexpected.length - judged.known.length;
  console.log(`${name}: ${verdict} on ${agreeing}/${fields.length} fields agreeing (${(wallMs / 1000).toFixed(1)} s)`);
  const line = (label: string, f: { field: string; model: unknown; real: unknown }) =>
    console.log(`  ${label.padEnd(16)} ${f.field}: model ${JSON.stringify(f.model)}, real ${JSON.stringify(f.real)}`);
  for (const f of judged.unexpected) line("disagree", f);
  for (const k of judged.stale) line("listed, not seen", k);
  for (const f of judged.known) line("known finding", f);
  for (const f of fields.filter((x) => x.verdict === "nondeterministic")) line("nondeterministic", f);
  for (const n of notes) console.log(`  note             ${n}`);
}

/** daemon and layout x trace: agree, known (differs only as listed in known-differences.ts) or DIFFER. */
function printTable(reports: TraceReport[]): void {
  const labelOf = (r: TraceReport) => runLabel(r.containerd, r.variant, r.layout);
  const variants = [...new Set(reports.map(labelOf))];
  const traces = [...new Set(reports.map((r) => r.trace))];
  const width = Math.max(...traces.map((t) => t.length));
  console.log(`\n${"".padEnd(width)}  ${variants.join("  ")}`);
  for (const trace of traces) {
    const cells = variants.map((v) => {
      const r = reports.find((x) => labelOf(x) === v && x.trace === trace);
      const text = !r ? "-" : !isClean(r.judged) ? "DIFFER" : r.judged.known.length > 0 ? "known" : "agree";
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
