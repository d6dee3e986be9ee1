// restart-sim lower TRACE [--config C] [--disk split|shared] [--out F] [--json]
// The trace with every kubelet event replaced by the CRI calls the model's kubelet made in it,
// so that the conformance harness can run it on a real containerd (which has no kubelet).
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { diskOption, loadTrace, resolveConfig } from "../load-trace.ts";
import { fail, exitCodes } from "../exit.ts";
import { lowerTrace } from "../../properties/lower.ts";
import { unsupportedEvents } from "../../conformance/run-trace.ts";

export function registerLower(program: Command): void {
  program
    .command("lower")
    .description(
      "write a trace's kubelet events (pod.add, pod.delete, kubelet.sync, kubelet.gc) as the CRI calls the model's kubelet made " +
        "(ids, names, attempts, order), the other events in place, so the real daemon can run it; the lowered trace (JSON) " +
        "goes to stdout or --out; its name is <name>-lowered, its config (and disk) the one it was lowered under",
    )
    .argument("<trace>", "trace file (JSON, see design.md)")
    .option("--config <config>", "configuration <containerd-variant>/<kubelet-variant> the kubelet's calls are taken under; default: the trace's, else baseline/99748")
    .option(...diskOption)
    .option("--out <file>", "write the lowered trace to this file instead of stdout")
    .option("--json", "print the lowered trace as JSON (also the default: a trace is JSON)")
    .action((path: string, opts: { config?: string; disk?: string; out?: string; json?: boolean }) => {
      const trace = loadTrace(path);
      const config = resolveConfig(opts.config, trace, opts.disk);
      const { trace: lowered, origins } = lowerTrace(trace, config, path);
      const text = JSON.stringify(lowered, null, 2);
      if (opts.out === undefined) console.log(text);
      else {
        try {
          writeFileSync(opts.out, `${text}\n`);
        } catch (error) {
          fail(`--out: cannot write ${opts.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
      }
      const calls = origins.filter((o) => o.kubeletCall).length;
      console.error(
        `${path} under ${config.name}${lowered.disk ? `, disk ${lowered.disk}` : ""}: ${trace.events.length} events -> ${lowered.events.length}, ${calls} of them the kubelet's CRI calls` +
          (opts.out === undefined ? "" : `; written to ${opts.out}`),
      );
      // What stays that the daemon cannot run (a nearly full disk, a hanging storage): the
      // harness refuses such a trace, so say which events and why.
      for (const b of unsupportedEvents(lowered)) console.error(`note: event ${b.index} (${b.type}) cannot run on the real daemon: ${b.why}`);
      process.exitCode = exitCodes.holds;
    });
}
