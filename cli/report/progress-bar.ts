// What the compare progress line says: a bar over the whole review and, for each worker, the
// configuration and property it is on.
import { properties } from "../../properties/invariants.ts";
import type { JobProgress } from "./check-config.ts";

export class ReviewProgress {
  /** Finished share (0..1) of each configuration started so far. */
  private readonly shares = new Map<string, number>();
  /** The property each running configuration is on. */
  private readonly running = new Map<string, string>();

  constructor(
    private readonly configs: number,
    private readonly runs: number,
  ) {}

  start(config: string): void {
    this.shares.set(config, 0);
    this.running.set(config, properties[0]!);
  }

  progress(config: string, p: JobProgress): void {
    // A violated property stops early (and its shrinking counts runs too), hence the clamp.
    this.shares.set(config, (p.index + Math.min(p.runs, this.runs) / this.runs) / properties.length);
    this.running.set(config, p.property);
  }

  done(config: string): void {
    this.shares.set(config, 1);
    this.running.delete(config);
  }

  line(): string {
    const total = [...this.shares.values()].reduce((a, b) => a + b, 0) / this.configs;
    const width = 24;
    const filled = Math.round(total * width);
    const on = [...this.running].map(([config, property]) => `${config} (${property})`).join(", ");
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(Math.floor(total * 100)).padStart(3)}%  ${on}`;
  }
}
