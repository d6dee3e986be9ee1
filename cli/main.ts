// restart-sim: the command-line tool (design.md, "Public interfaces").
import { setAutoFreeze } from "immer";
import { runProgram } from "./program.ts";
import { stepOnOwnCopies } from "../properties/run.ts";

// Outside tests the worlds need not be frozen: the model never mutates them anyway, and
// freezing costs time on every step (npm run bench measures how much). Steps write in place on
// a copy made at an event's first write instead of through immer's drafts (properties/run.ts).
setAutoFreeze(false);
stepOnOwnCopies(true);

// A reader that goes away (`| head`) ends the output, not the program with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runProgram(process.argv);
