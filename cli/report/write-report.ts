// Writes the report directory: index.html, report.md, results.json, and every violation's
// shortest trace as a trace file under traces/ that the replay command shown next to it runs.
// Nothing is deleted: files of an earlier run that this one did not write stay.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";
import { saveTrace } from "../save-trace.ts";
import { configOrThrow, onDisk, onRelease } from "../../model/config.ts";
import { releaseOf } from "../../model/releases.ts";
import { counterexampleTrace } from "../counterexample-trace.ts";
import { fail } from "../exit.ts";
import { sequenceDiagram } from "./diagram.ts";
import type { VariantFindings } from "./findings.ts";
import { renderHtml } from "./html.ts";
import { renderMarkdown } from "./markdown.ts";
import { resultsJson, violations, type Results, type Violation } from "./results.ts";

export interface WrittenReport {
  html: string;
  markdown: string;
  json: string;
  traces: number;
}

/** A path as one shell word, quoted only when it needs to be. */
function shellWord(path: string): string {
  return /^[\w./@:+-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

function readMermaidBundle(): string {
  return readFileSync(fileURLToPath(import.meta.resolve("mermaid/dist/mermaid.min.js")), "utf8");
}

const knownTraces = fileURLToPath(new URL("../../traces", import.meta.url));

/**
 * Creates the report directory; one that cannot be created is bad input (exit 2), which
 * compare finds before its run. The project's own traces/ is refused: counterexamples written
 * there would come back as known traces in the next run.
 */
export function prepareReportDir(out: string): void {
  const traces = join(out, "traces");
  if (resolve(traces) === resolve(knownTraces)) fail(`--out: ${out} would write counterexamples into the known traces (${knownTraces})`);
  try {
    mkdirSync(traces, { recursive: true });
  } catch (error) {
    fail(`--out: cannot create ${traces}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** `out` as the user gave it, so that the replay commands work from where compare ran. */
export function writeReport(out: string, results: Results, findings: VariantFindings[]): WrittenReport {
  const found = violations(results);
  prepareReportDir(out);
  for (const v of found) {
    const trace = counterexampleTrace(v.config.config, v.cell.property, v.counterexample, v.config.disk, results.containerd);
    saveTrace(join(out, "traces"), trace);
  }
  const command = (v: Violation) =>
    `npx restart-sim replay ${shellWord(join(out, v.counterexample.file))} --config ${v.config.config}${v.config.disk ? ` --disk ${v.config.disk}` : ""}${results.containerd ? ` --containerd ${results.containerd}` : ""}`;
  const diagram = (v: Violation) =>
    sequenceDiagram(v.counterexample.events, onRelease(onDisk(configOrThrow(v.config.config), v.config.disk ?? "split"), releaseOf(results.containerd)), {
      event: v.counterexample.event,
      property: v.cell.property,
      message: v.counterexample.message,
    });
  const written = { html: join(out, "index.html"), markdown: join(out, "report.md"), json: join(out, "results.json"), traces: found.length };
  writeFileSync(written.json, resultsJson(results));
  writeFileSync(written.markdown, renderMarkdown(results, findings, command));
  writeFileSync(written.html, renderHtml(results, { mermaid: readMermaidBundle(), findings, diagram, command }));
  return written;
}
