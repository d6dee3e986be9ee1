// restart-sim replay TRACE.json [--config C] [--disk split|shared] [--containerd 1.6|1.7] [--json]
import type { Command } from "commander";
import { diskOption, loadTrace, releaseOption, resolveConfig } from "../load-trace.ts";
import { defaultRelease } from "../../model/releases.ts";
import { replay } from "../../properties/replay.ts";
import { formatTimeline } from "../timeline.ts";
import { exitCodes } from "../exit.ts";
import { crashCalls, pointsOf } from "../../model/cri/crash.ts";

export function registerReplay(program: Command): void {
  program
    .command("replay")
    .description("run a trace file through the model: a timeline, or with --json the observation; exit 1 if a property is violated")
    .argument("<trace>", "trace file (JSON, see design.md)")
    .option("--config <config>", "configuration <containerd-variant>/<kubelet-variant>; default: the trace's, else baseline/99748")
    .option(...diskOption)
    .option(...releaseOption)
    .option("--json", "print the final observation as JSON")
    .addHelpText("after", `\nCrash points, in call order (a cri.* event's crashAt; containerd.crash's call and at; model/cri/crash.ts says what each leaves):\n${crashCalls.map((call) => `  ${call}: ${pointsOf(call).join(", ")}`).join("\n")}`)
    .action((path: string, opts: { config?: string; disk?: string; containerd?: string; json?: boolean }) => {
      const trace = loadTrace(path);
      const config = resolveConfig(opts.config, trace, opts.disk, opts.containerd);
      const result = replay(trace.events, config, { log: !opts.json });
      if (opts.json) {
        console.log(JSON.stringify(result.observation, null, 2));
      } else {
        const release = config.release === defaultRelease ? "" : `, containerd ${config.release.name}`;
        console.log(`${trace.name} on ${config.name}${config.disk.layout === "split" ? "" : `, disk ${config.disk.layout}`}${release}: ${trace.description}\n`);
        console.log(formatTimeline(result.timeline));
        const o = result.observation;
        console.log(`\ncontainerd ${o.containerd}${o.error ? `: ${o.error}` : ""}`);
        console.log(o.violations.length === 0 ? "every property holds" : `${o.violations.length} violation(s)`);
      }
      process.exitCode = result.observation.violations.length > 0 ? exitCodes.violated : exitCodes.holds;
    });
}
