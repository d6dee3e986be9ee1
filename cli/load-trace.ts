// Reads and validates a trace file for the commands; every problem becomes a BadInput line
// that names the file.
import { readFileSync } from "node:fs";
import { parseTrace, type Trace } from "../model/trace.ts";
import { defaultConfigName, onDisk, onRelease, parseConfig, type Config } from "../model/config.ts";
import { diskLayouts, type DiskLayout } from "../model/disk.ts";
import { defaultRelease, releaseNamed, releaseNames, releaseOf, type ContainerdRelease } from "../model/releases.ts";
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

/** The --disk option every command that runs the model takes (commander: flag, description). */
export const diskOption = ["--disk <layout>", `disk layout: ${diskLayouts.join(" or ")} (default: the trace's "disk", else split)`] as const;

/** --disk's value, checked. */
export function diskLayout(option: string): DiskLayout {
  const layout = diskLayouts.find((l) => l === option);
  if (!layout) fail(`--disk: unknown layout ${JSON.stringify(option)}; one of ${diskLayouts.join(", ")}`);
  return layout;
}

/** The --containerd option every command that runs the model takes (commander: flag, description). */
export const releaseOption = [
  "--containerd <release>",
  `containerd release: ${releaseNames.join(" or ")} (default: the trace's "containerd", else ${defaultRelease.name})`,
] as const;

/** --containerd's value, checked. */
export function containerdRelease(option: string): ContainerdRelease {
  const release = releaseNamed(option);
  if (!release) fail(`--containerd: unknown release ${JSON.stringify(option)}; one of ${releaseNames.join(", ")}`);
  return release;
}

/**
 * --config wins over the trace's own config, which wins over the default; --disk over the
 * trace's "disk", which wins over split; --containerd over the trace's "containerd", which
 * wins over 1.6.
 */
export function resolveConfig(option: string | undefined, trace?: Trace, disk?: string, release?: string): Config {
  const name = option ?? trace?.config ?? defaultConfigName;
  const parsed = parseConfig(name);
  // Only --config can name an unknown one: parseTrace checked the trace's own.
  if (!parsed.ok) fail(`--config: ${parsed.error}`);
  const onLayout = onDisk(parsed.config, disk === undefined ? (trace?.disk ?? "split") : diskLayout(disk));
  return onRelease(onLayout, release === undefined ? releaseOf(trace?.containerd) : containerdRelease(release));
}
