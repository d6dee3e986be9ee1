// Writes a counterexample as a trace file that `replay` reproduces exactly.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Trace } from "../model/trace.ts";

export function saveTrace(dir: string, trace: Trace): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${trace.name}.json`);
  writeFileSync(path, `${JSON.stringify(trace, null, 2)}\n`);
  return path;
}
