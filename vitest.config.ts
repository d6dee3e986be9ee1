import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The browser test times the review page, so it runs alone (RESTART_SIM_BROWSER_TEST=1, as
    // .ci/run does), never beside the CPU-bound property runs.
    include: process.env.RESTART_SIM_BROWSER_TEST ? ["**/*.browser.test.ts"] : ["**/*.test.ts"],
    exclude: process.env.RESTART_SIM_BROWSER_TEST ? ["node_modules/**"] : ["node_modules/**", "**/*.browser.test.ts"],
    // Property runs are CPU-bound: one worker per core (vitest keeps one core free by default).
    pool: "threads",
    maxWorkers: availableParallelism(),
    testTimeout: 120_000,
  },
});
