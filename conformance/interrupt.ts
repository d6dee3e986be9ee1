// SIGINT and SIGTERM (Ctrl-C, a CI cancel): from the signal on nothing new is started, every
// run in progress is cleaned up, and the process exits non-zero with one line saying what
// was removed. A second signal while cleaning up does not cut the cleanup short.
import { constants } from "node:os";

/** A run in progress, as the signal handler needs it. */
export interface Interruptible {
  readonly base: string;
  cleanup(): Promise<{ leftovers: string[] }>;
}

export class Interrupted extends Error {}

const inProgress = new Set<Interruptible>();
let signalled: NodeJS.Signals | undefined;
let handled: Promise<never> | undefined;

export function installSignalHandlers(): void {
  if (process.listeners("SIGINT").includes(onSignal)) return;
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

export function runStarted(run: Interruptible): void {
  throwIfInterrupted();
  inProgress.add(run);
}

export function runEnded(run: Interruptible): void {
  inProgress.delete(run);
}

/** Called before anything new is made on the host. */
export function throwIfInterrupted(): void {
  if (signalled) throw new Interrupted(`interrupted by ${signalled}`);
}

/**
 * After a signal, a failure in the run is the interruption's doing: wait for the handler,
 * which exits the process, instead of reporting it.
 */
export function untilInterruptHandled(): Promise<never> | undefined {
  return handled;
}

function onSignal(signal: NodeJS.Signals): void {
  if (signalled) {
    process.stderr.write(`restart-sim conformance: ${signal} again; still cleaning up after ${signalled}\n`);
    return;
  }
  signalled = signal;
  const runs = [...inProgress];
  process.stderr.write(`\nrestart-sim conformance: ${signal}: starting nothing new, cleaning up ${runs.length} run(s)...\n`);
  handled = (async () => {
    let line: string;
    try {
      const reports = await Promise.all(runs.map(async (r) => ({ base: r.base, leftovers: (await r.cleanup()).leftovers })));
      const left = reports.flatMap((r) => r.leftovers);
      const removed = reports.map((r) => r.base).join(", ") || "nothing (no run was in progress)";
      line = left.length === 0 ? `removed ${removed}` : `cleanup LEFT ${left.join("; ")}`;
    } catch (err) {
      line = `cleanup FAILED: ${(err as Error).message}`;
    }
    process.stderr.write(`restart-sim conformance: interrupted by ${signal}; ${line}\n`);
    // 128 + the signal's number, as a shell reports a process killed by it.
    process.exit(128 + constants.signals[signal]);
  })();
}
