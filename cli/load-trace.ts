// Reads and validates a trace file for the commands; every problem becomes a BadInput line
// that names the file.
import { readFileSync } from "node:fs";
import { parseTrace, type Trace } from "../model/trace.ts";
import { defaultConfigName, parseConfig, type Config } from "../model/config.ts";
import { fail } from "./exit.ts";

// The commands list a directory's trace files as the tests do: one listing for both.
export { traceFiles } from "../properties/trace-files.ts";

export function loadTrace(path: string): Trace {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    fail(`${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = parseTrace(text);
  if (!parsed.ok) fail(`${path}: ${parsed.error}`);
  return parsed.trace;
}

/** --config wins over the trace's own config, which wins over the default. */
export function resolveConfig(option: string | undefined, trace?: Trace): Config {
  const name = option ?? trace?.config ?? defaultConfigName;
  const parsed = parseConfig(name);
  // Only --config can name an unknown one: parseTrace checked the trace's own.
  if (!parsed.ok) fail(`--config: ${parsed.error}`);
  return parsed.config;
}
