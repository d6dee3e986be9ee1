// restart-sim: the command-line tool (design.md, "Public interfaces").
import { Command, CommanderError } from "commander";
import { setAutoFreeze } from "immer";
import { BadInput, exitCodes } from "./exit.ts";
import { registerReplay } from "./commands/replay.ts";
import { registerConformance } from "./commands/conformance.ts";
import { registerExplore } from "./commands/explore.ts";
import { registerCompare } from "./commands/compare.ts";
import { registerCheck } from "./commands/check.ts";

// Outside tests the worlds need not be frozen: the model never mutates them anyway, and
// freezing costs time on every step (npm run bench measures how much).
setAutoFreeze(false);

const program = new Command()
  .name("restart-sim")
  .description("Deterministic simulation of containerd CRI restart behaviour: duplicate containers and stuck names (#7247, #11504)")
  .showHelpAfterError()
  .exitOverride();
registerReplay(program);
registerExplore(program);
registerCompare(program);
registerCheck(program);
registerConformance(program);
for (const command of program.commands) command.exitOverride();

// A reader that goes away (`| head`) ends the output, not the program with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end with code 0; every other commander error is a usage error.
    process.exitCode = error.exitCode === 0 ? 0 : exitCodes.badInput;
  } else if (error instanceof BadInput) {
    console.error(`restart-sim: ${error.message}`);
    process.exitCode = exitCodes.badInput;
  } else {
    throw error;
  }
}
