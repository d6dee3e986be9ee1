// restart-sim review: until the design review (compare) exists, replays every trace under
// traces/ on its own configuration and prints one verdict line each.
import type { Command } from "commander";
import { loadTrace, resolveConfig, traceFiles } from "../load-trace.ts";
import { replay } from "../../properties/replay.ts";
import { exitCodes } from "../exit.ts";

export function registerReview(program: Command): void {
  program
    .command("review")
    .description("replay every trace in a directory and print each verdict (the design review's first form)")
    .option("--traces <dir>", "directory of trace files", "traces")
    .option("--json", "print the verdicts as JSON")
    .action((opts: { traces: string; json?: boolean }) => {
      const verdicts = traceFiles(opts.traces).map((path) => {
        const trace = loadTrace(path);
        const config = resolveConfig(undefined, trace);
        const { observation } = replay(trace.events, config, { log: false });
        const violated = [...new Set(observation.violations.map((v) => v.property))];
        return { trace: trace.name, config: config.name, containerd: observation.containerd, violated };
      });
      if (opts.json) console.log(JSON.stringify(verdicts, null, 2));
      else
        for (const v of verdicts) {
          const verdict = v.violated.length === 0 ? "every property holds" : `violates ${v.violated.join(", ")}`;
          console.log(`${v.trace.padEnd(32)} ${v.config.padEnd(22)} containerd ${v.containerd.padEnd(7)} ${verdict}`);
        }
      process.exitCode = exitCodes.holds;
    });
}
