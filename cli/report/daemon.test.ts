// What the review says about each cell on its variant's real daemon (daemon.ts): a violated
// cell is matched to a recording by what its counterexample lowers to, a holding one lists the
// known traces that ran clean; the page, report.md and the matrix say it.
import { describe, expect, it } from "vitest";
import type { Event } from "../../model/events.ts";
import { properties, type Property } from "../../properties/invariants.ts";
import { loadTrace } from "../load-trace.ts";
import { cellOnDaemon, daemonRuns, daemonSentence, withDaemons, type DaemonRun } from "./daemon.ts";
import { variantFindings } from "./findings.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderHtml } from "./html.ts";
import { cellLabel, type Cell, type ConfigResults, type Results } from "./results.ts";

// A CRI-only trace: lowering leaves it as it is, so it stands for a counterexample and its lowered run.
const criOnly = loadTrace(new URL("../../traces/create-on-full-disk.json", import.meta.url).pathname).events;

const cell = (property: Property, events: Event[] | null): Cell => ({
  property,
  verdict: events ? "violated" : "holds",
  expected: events ? "violated" : "holds",
  why: "because",
  runs: 10,
  counterexample: events && { event: events.length - 1, message: "m", trace: null, seed: 1, path: "0", file: `traces/short-term-99748-${property}.json`, events },
});

const row = (events: Event[] | null, disk?: "shared"): ConfigResults => ({
  config: "short-term/99748",
  ...(disk ? { disk } : {}),
  containerd: "short-term",
  kubelet: "99748",
  cells: properties.map((p) => cell(p, p === "no-stuck-name" ? events : null)),
});

const run = (trace: string, fields: string[], lowered: Event[] | null, layout: "split" | "shared" = "split"): DaemonRun => ({
  trace,
  file: lowered ? `traces/counterexamples/short-term/${trace}.json` : `traces/${trace}.json`,
  layout,
  fields,
  lowered,
});

const runs = [run("a", [], null), run("b", ["calls[3].ok"], null), run("c", [], null, "shared"), run("x-lowered", [], criOnly)];
const stuck = (r: ConfigResults) => r.cells.find((c) => c.property === "no-stuck-name")!;

describe("a cell on its variant's daemon", () => {
  it("is reproduced when its counterexample lowers to a recorded run that agrees, differed when that run does not", () => {
    const violated = row(criOnly);
    expect(cellOnDaemon(violated, stuck(violated), runs, "1.6")).toEqual({ on: "containerd 1.6.20 + short-term", result: "reproduced", trace: "traces/counterexamples/short-term/x-lowered.json" });
    const differing = [run("x-lowered", ["containers[A].state"], criOnly)];
    expect(cellOnDaemon(violated, stuck(violated), differing, "1.6")).toMatchObject({ result: "differed", fields: ["containers[A].state"] });
  });

  it("finds no run for a counterexample that lowers to other calls, or on the other layout: not recorded, or not run and why", () => {
    const other = row(criOnly.slice(0, -1));
    expect(cellOnDaemon(other, stuck(other), runs, "1.6")).toEqual({ on: "containerd 1.6.20 + short-term", result: "not recorded" });
    const shared = row(criOnly, "shared");
    expect(cellOnDaemon(shared, stuck(shared), runs, "1.6").result).toBe("not recorded");
    const failing = row([...criOnly, { type: "shim.fail", op: "start" }]);
    expect(cellOnDaemon(failing, stuck(failing), runs, "1.6")).toMatchObject({ result: "not run", event: "shim.fail" });
  });

  it("lists for a holding cell the known traces of its layout that ran clean and those that differed, not the counterexamples", () => {
    const holding = row(null);
    expect(cellOnDaemon(holding, holding.cells[0]!, runs, "1.6")).toEqual({ on: "containerd 1.6.20 + short-term", result: "held", ranClean: 1, differed: ["b"] });
    const shared = row(null, "shared");
    expect(cellOnDaemon(shared, shared.cells[0]!, runs, "1.7")).toEqual({ on: "containerd 1.7.24 + short-term", result: "held", ranClean: 1, differed: [] });
  });
});

describe("the review with the daemons", () => {
  const annotate = (r: ConfigResults): ConfigResults => ({ ...r, cells: r.cells.map((c) => ({ ...c, daemon: cellOnDaemon(r, c, runs, "1.6") })) });
  const results: Results = { seed: 1, runs: 1, knownTraces: [], configs: [annotate(row(criOnly))], costs: [] };
  const command = () => "npx restart-sim replay f";

  it("marks a reproduced cell in the matrix and says so in its section of the page and of report.md", () => {
    const reproduced = stuck(results.configs[0]!);
    expect(cellLabel(reproduced)).toBe(`✗ ${criOnly.length} ●`);
    expect(cellLabel({ ...reproduced, daemon: { on: "d", result: "differed", trace: "t", fields: ["f"] } })).toBe(`✗ ${criOnly.length} ○`);
    const md = renderMarkdown(results, variantFindings(results), command);
    expect(md).toContain("### short-term/99748 · no-stuck-name ●\n");
    const differed = { ...results, configs: [{ ...results.configs[0]!, cells: results.configs[0]!.cells.map((c) => (c.counterexample ? { ...c, daemon: { on: "d", result: "differed" as const, trace: "t", fields: ["calls[2].ok"] } } : c)) }] };
    expect(renderMarkdown(differed, variantFindings(differed), command)).toContain("### short-term/99748 · no-stuck-name ○\n");
    const html = renderHtml(results, { mermaid: "", findings: variantFindings(results), diagram: () => "", command });
    expect(html).toContain('<p class="daemon reproduced">● Reproduced on containerd 1.6.20 + short-term: <code>traces/counterexamples/short-term/x-lowered.json</code>');
    expect(html).toContain('title="1 known trace(s) ran clean on containerd 1.6.20 + short-term; differed: b"');
  });

  it("sums up each variant's daemon in one line: known traces clean, counterexamples reproduced, what cannot run", () => {
    expect(variantFindings(results)[0]?.daemon).toBe("on containerd 1.6.20 + short-term (lowered counterexamples: traces/counterexamples/short-term/): split layout: 1 known trace(s) ran clean, b differed; 1 lowered counterexample(s) reproduced (1 cell(s))");
    const failing = annotate(row([{ type: "shim.fail", op: "start" }]));
    expect(daemonSentence([failing])).toBe("on containerd 1.6.20 + short-term: split layout: 1 known trace(s) ran clean, b differed; 1 cell(s) cannot run there (shim.fail 1)");
    const differing = row(criOnly);
    const differed = { ...differing, cells: differing.cells.map((c) => ({ ...c, daemon: cellOnDaemon(differing, c, [run("a", [], null), run("x-lowered", ["calls[2].ok"], criOnly)], "1.6") })) };
    expect(daemonSentence([differed])).toBe("on containerd 1.6.20 + short-term (lowered counterexamples: traces/counterexamples/short-term/): split layout: 1 known trace(s) ran clean; 1 lowered counterexample(s) differed (1 cell(s): calls[2].ok)");
  });

  it("reads the committed recordings: every variant's known traces and lowered counterexamples, each held to the model", () => {
    const recorded = daemonRuns("short-term", "1.6");
    expect(recorded.filter((r) => r.lowered === null && r.layout === "split").length).toBeGreaterThanOrEqual(26);
    expect(recorded.filter((r) => r.lowered === null && r.layout === "shared").length).toBeGreaterThanOrEqual(26);
    expect(recorded.filter((r) => r.lowered !== null).map((r) => r.trace)).toContain("short-term-pre-99748-no-stuck-name-lowered");
    // The crash-point traces (recorded/<variant>/crash-points/) and the lowered slow-call ones (slow-calls/) are known traces too.
    expect(recorded.find((r) => r.trace === "crash-createContainer-record-written" && r.layout === "split")).toMatchObject({ file: "traces/crash-createContainer-record-written.json", fields: [] });
    expect(daemonRuns("keep-task-release-name", "1.6").find((r) => r.trace === "issue-4604-slow-create-lowered")).toMatchObject({
      file: "conformance/recorded/keep-task-release-name/slow-calls/issue-4604-slow-create-lowered.trace.json",
      layout: "split",
      lowered: null,
    });
    const annotated = withDaemons({ seed: 1, runs: 1, knownTraces: [], configs: [row(null)], costs: [] });
    expect(annotated.configs[0]!.cells[0]!.daemon).toMatchObject({ on: "containerd 1.6.20 + short-term", result: "held" });
    expect(annotated.daemons?.map((d) => [d.variant, d.layout])).toEqual([["short-term", "split"]]);
    expect(annotated.daemons?.[0]?.ranClean).toContain("create-on-full-disk");
    expect(annotated.configs[0]!.cells[0]!.daemon).toMatchObject({ ranClean: annotated.daemons?.[0]?.ranClean.length });
  });

  it("says nothing of a variant with no recording on the review's release (long-term has no 1.7 port)", () => {
    const longTerm: ConfigResults = { ...row(null), config: "long-term/99748", containerd: "long-term" };
    const annotated = withDaemons({ seed: 1, runs: 1, knownTraces: [], configs: [longTerm], costs: [], containerd: "1.7" });
    expect(annotated.configs[0]!.cells.every((c) => c.daemon === undefined)).toBe(true);
    expect(annotated.daemons).toEqual([]);
    expect(variantFindings(annotated)[0]?.daemon).toBeNull();
  });
});
