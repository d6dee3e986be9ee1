import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    // Property runs are CPU-bound; one worker per core keeps the suite inside its budget.
    pool: "threads",
    testTimeout: 60_000,
  },
});
