import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    // Property runs are CPU-bound: one worker per core (vitest keeps one core free by default).
    pool: "threads",
    maxWorkers: availableParallelism(),
    testTimeout: 120_000,
  },
});
