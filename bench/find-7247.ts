// How long explore takes to find the #7247 failure on baseline/pre-99748: in process, from
// random scenarios only (no known trace to lean on), and as a whole command from a cold start.
import { execFileSync } from "node:child_process";
import { setAutoFreeze } from "immer";
import { configOrThrow } from "../model/config.ts";
import { ScenarioCache, checkProperty } from "../properties/check-property.ts";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median over seeds of the time for fast-check to find (and shrink) the violation. */
export function inProcessMs(seeds: readonly number[]): number {
  setAutoFreeze(false);
  const times = seeds.map((seed) => {
    const started = performance.now();
    const result = checkProperty(new ScenarioCache(configOrThrow("baseline/pre-99748")), "recovery-succeeds", { runs: 100_000, seed });
    if (result.verdict !== "violated") throw new Error(`seed ${seed}: #7247 not found`);
    return performance.now() - started;
  });
  setAutoFreeze(true);
  return Math.round(median(times));
}

/** Median wall time of `restart-sim explore` in a fresh Node process (TypeScript loading included). */
export function coldStartMs(seeds: readonly number[]): number {
  const cli = new URL("../cli/main.ts", import.meta.url).pathname;
  const times = seeds.map((seed) => {
    const started = performance.now();
    try {
      execFileSync(process.execPath, ["--import", "tsx", cli, "explore", "--config", "baseline/pre-99748", "--property", "recovery-succeeds", "--seed", String(seed), "--json"], {
        stdio: "ignore",
      });
    } catch (error) {
      // Exit code 1 is the expected verdict: the property is violated.
      if ((error as { status?: number }).status !== 1) throw error;
    }
    return performance.now() - started;
  });
  return Math.round(median(times));
}
