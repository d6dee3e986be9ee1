// The bug traces the tests run (and the known traces every verdict runs first): the trace
// files of a directory, read and validated. For a test a bad file is a broken fixture, so it
// throws; the commands turn a bad file into exit 2 themselves (cli/load-trace.ts).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseTrace, type Trace } from "../model/trace.ts";
import type { DiskLayout } from "../model/disk.ts";
import { configOrThrow, defaultConfigName, onDisk, onRelease, type Config } from "../model/config.ts";
import { defaultRelease, releaseOf, type ContainerdReleaseName } from "../model/releases.ts";

/** The trace files of a directory, sorted by name. */
export function traceFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(dir, f));
}

export function loadTrace(path: string): Trace {
  const parsed = parseTrace(readFileSync(path, "utf8"));
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error}`);
  return parsed.trace;
}

/**
 * The known traces a layout's checks run first: under split those written for it (a trace
 * written for the shared layout shows what only that layout does); under shared every one.
 * Likewise for the release: under 1.6 those written for it, under a later one every one.
 */
export function tracesFor(layout: DiskLayout, traces: readonly Trace[], release: ContainerdReleaseName = defaultRelease.name): Trace[] {
  const onLayout = layout === "shared" ? [...traces] : traces.filter((t) => (t.disk ?? "split") === "split");
  return release === defaultRelease.name ? onLayout.filter((t) => (t.containerd ?? defaultRelease.name) === release) : onLayout;
}

/** The configuration a trace names (default baseline/99748), on the disk layout and release it names (default split, 1.6). */
export function traceConfig(trace: Trace): Config {
  return onRelease(onDisk(configOrThrow(trace.config ?? defaultConfigName), trace.disk ?? "split"), releaseOf(trace.containerd));
}
