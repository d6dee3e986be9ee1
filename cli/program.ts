// The restart-sim program as a function of its arguments, so that tests drive the same entry
// as the shell: its commands, and how every way of ending maps to an exit code.
import { Command, CommanderError } from "commander";
import { BadInput, exitCodes } from "./exit.ts";
import { registerReplay } from "./commands/replay.ts";
import { registerConformance } from "./commands/conformance.ts";
import { registerExplore } from "./commands/explore.ts";
import { registerCompare } from "./commands/compare.ts";
import { registerCheck } from "./commands/check.ts";
import { registerLower } from "./commands/lower.ts";

function createProgram(): Command {
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
  registerLower(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * Runs restart-sim on `argv` (process.argv's shape) and returns its exit code. Bad input ends
 * it with one line on stderr; anything else thrown is a bug and is thrown on.
 */
export async function runProgram(argv: readonly string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await createProgram().parseAsync(argv);
  } catch (error) {
    // --help and --version end with code 0; every other commander error is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.holds : exitCodes.badInput;
    if (!(error instanceof BadInput)) throw error;
    console.error(`restart-sim: ${error.message}`);
    return exitCodes.badInput;
  }
  // The commands set process.exitCode themselves: 0 when every property holds, 1 otherwise.
  return Number(process.exitCode ?? exitCodes.holds);
}
