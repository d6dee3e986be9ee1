// One job of the design review: every property of design.md on one configuration, and its
// costs. The properties share one ScenarioCache, so each random scenario runs once per
// configuration, and the costs are read from the same runs.
import type { Event } from "../../model/events.ts";
import { configOrThrow, onDisk, onRelease } from "../../model/config.ts";
import type { DiskLayout } from "../../model/disk.ts";
import { releaseOf, type ContainerdReleaseName } from "../../model/releases.ts";
import { properties, type Property } from "../../properties/invariants.ts";
import { ScenarioCache, checkProperty, scenarioCosts, type CellVerdict } from "../../properties/check-property.ts";
import type { Costs } from "../../properties/costs.ts";

export interface ConfigJob {
  config: string;
  /** Default split. */
  disk?: DiskLayout;
  /** Default 1.6. */
  containerd?: ContainerdReleaseName;
  runs: number;
  seed: number;
  /** Known traces, run first as fast-check examples. */
  examples: { name: string; events: Event[] }[];
}

export interface ConfigVerdicts {
  config: string;
  verdicts: CellVerdict[];
  /** What the configuration held, refused and wrote over the scenarios the verdicts ran. */
  costs: Costs;
}

/** Where a job is: the property being checked and how many of its scenarios have run. */
export interface JobProgress {
  property: Property;
  /** Index of `property` in `properties`. */
  index: number;
  runs: number;
}

export function checkConfig(job: ConfigJob, onProgress?: (progress: JobProgress) => void): ConfigVerdicts {
  const cache = new ScenarioCache(onRelease(onDisk(configOrThrow(job.config), job.disk ?? "split"), releaseOf(job.containerd)));
  const verdicts = properties.map((property, index) =>
    checkProperty(cache, property, {
      runs: job.runs,
      seed: job.seed,
      examples: job.examples,
      ...(onProgress ? { onRun: (runs: number) => onProgress({ property, index, runs }) } : {}),
    }),
  );
  return { config: job.config, verdicts, costs: scenarioCosts(cache, job) };
}
