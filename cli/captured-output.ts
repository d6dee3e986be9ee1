// What a command printed, for the CLI tests that drive the program's own entry (runProgram) in
// process: console and process.stderr are captured afresh for every test of the file.
import { afterEach, beforeEach, vi } from "vitest";

export interface CapturedOutput {
  /** console.log lines. */
  readonly stdout: string[];
  /** console.error lines and raw process.stderr writes. */
  readonly stderr: string[];
  /** Forgets what was printed so far. */
  clear(): void;
}

/** Registers the capture for every test of the calling file; the arrays fill as commands print. */
export function captureOutput(): CapturedOutput {
  const out: CapturedOutput = {
    stdout: [],
    stderr: [],
    clear() {
      out.stdout.length = 0;
      out.stderr.length = 0;
    },
  };
  beforeEach(() => {
    out.clear();
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void out.stdout.push(args.join(" ")));
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void out.stderr.push(args.join(" ")));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (out.stderr.push(String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  return out;
}
