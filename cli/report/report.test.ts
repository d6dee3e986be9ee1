// The pure parts of the design review, without a browser: the mermaid text of a small trace
// (escaping, the highlight), the markdown, the trace files behind the replay commands, and
// results.json's stability.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configOrThrow } from "../../model/config.ts";
import { replay } from "../../properties/replay.ts";
import { properties, type Property } from "../../properties/invariants.ts";
import { loadTrace } from "../load-trace.ts";
import { traceConfig } from "../../properties/trace-files.ts";
import { checkConfig, type ConfigJob } from "./check-config.ts";
import { breakingBand, mermaidText, sequenceDiagram, wrapText } from "./diagram.ts";
import { variantFindings } from "./findings.ts";
import { code, escapeMarkdown, renderMarkdown } from "./markdown.ts";
import type { KubeletVariantName } from "../../model/variants/kubelet.ts";
import {
  buildResults,
  differences,
  distinctViolations,
  layoutDifferences,
  releaseDifferences,
  resultsJson,
  splitTwin,
  violations,
  withShared,
  type Cell,
  type ConfigResults,
  type Results,
  type Verdict,
} from "./results.ts";
import { writeReport } from "./write-report.ts";
import { recommendation } from "./recommendation.ts";
import { costSentence, type VariantCosts } from "./costs.ts";
import { patchSize } from "./patch-size.ts";
import { containerdVariants } from "../../model/variants/containerd.ts";

const issue7247 = loadTrace(new URL("../../traces/issue-7247.json", import.meta.url).pathname);

describe("mermaid text", () => {
  it("writes every character mermaid's sequence grammar or renderer would take as syntax as an entity code", () => {
    expect(mermaidText(`msg="a; b" #2 <x> & y`)).toBe("msg=#34;a#59; b#34; #35;2 #60;x#62; #38; y");
  });

  it("wraps at spaces, and inside a long path after a slash, never past the width", () => {
    const path = "/var/lib/containerd/io.containerd.grpc.v1.cri/containers/p:c#2/status";
    const lines = wrapText(`failed to write ${path}: no space left on device`, 30);
    expect(lines).toEqual(["failed to write", "/var/lib/containerd/", "io.containerd.grpc.v1.cri/", "containers/p:c#2/status: no", "space left on device"]);
    expect(lines.every((l) => l.length <= 30)).toBe(true);
  });
});

describe("the sequence diagram of #7247", () => {
  const diagram = sequenceDiagram(issue7247.events, configOrThrow("baseline/pre-99748"), {
    event: 8,
    property: "recovery-succeeds",
    message: 'containerd cannot start: name "c" is reserved',
  });
  const lines = diagram.split("\n");

  it("has one lane per part and one block per event", () => {
    expect(lines.slice(0, 6)).toEqual([
      "sequenceDiagram",
      "participant kubelet as kubelet",
      "participant cri as CRI plugin",
      "participant shim as shim",
      "participant disk as disk",
      "participant metadata as metadata",
    ]);
    for (let i = 0; i < issue7247.events.length; i++) expect(diagram).toContain(`Note over kubelet,metadata: [${i}] `);
  });

  it("draws the failed write as an arrow, containerd's log line on its own band, and leaves out successful writes", () => {
    expect(diagram).toContain("cri->>disk: write status of p:c#35;2: ENOSPC,<br/>old checkpoint kept");
    expect(diagram).toMatch(/rect rgba\(234, 179, 8, 0\.2\)\nNote over cri,metadata: containerd logs level=error msg=#34;Failed to load container/);
    expect(diagram).not.toMatch(/->>disk: write status of [^:]*: ok/);
    expect(diagram).toContain("cri-->>kubelet: StartContainer p:c#35;2: ok");
  });

  it("highlights the breaking event with the violation", () => {
    const band = lines.slice(lines.indexOf(`rect ${breakingBand}`));
    expect(band[1]).toBe("Note over kubelet,metadata: [8] containerd.start");
    expect(band.slice(-3)).toEqual(["Note over kubelet,metadata: ✗ recovery-succeeds breaks here: containerd cannot start: name #34;c#34; is reserved", "end", ""]);
  });

  it("leaves no raw # or ; in any text", () => {
    const texts = lines.filter((l) => l.includes(": ")).map((l) => l.slice(l.indexOf(": ") + 2));
    for (const text of texts) expect(text.replace(/#\d+;/g, "")).not.toMatch(/[#;]/);
  });
});

describe("markdown", () => {
  it("escapes what would turn into markup, and fences code around backticks", () => {
    expect(escapeMarkdown("a|b *c* _d_ c_p_0 <e>")).toBe("a\\|b \\*c\\* \\_d\\_ c_p_0 \\<e\\>");
    expect(code("a`b")).toBe("`` a`b ``");
  });

  // Hand-made results, so that this test does not move with the model's verdicts.
  const holds = (property: Property, expected: Verdict = "holds"): Cell => ({ property, verdict: "holds", expected, why: "because", runs: 10, counterexample: null });
  const baseline = (kubelet: KubeletVariantName): ConfigResults => ({
    config: `baseline/${kubelet}`,
    containerd: "baseline",
    kubelet,
    cells: properties.map((p) =>
      p !== "recovery-succeeds"
        ? holds(p)
        : {
            ...holds(p, "violated"),
            verdict: "violated" as const,
            why: "#7247: the same name twice",
            counterexample: { event: 8, message: "containerd cannot start", trace: issue7247.name, seed: null, path: null, file: `traces/${kubelet}.json`, events: issue7247.events },
          },
    ),
  });
  const calls = (n: number, refused = 0, delayed = 0) => ({ calls: n, refused, delayed });
  const noPatch = { patches: [], files: 0, added: 0, removed: 0, testOnly: 0 };
  const costs: VariantCosts[] = [
    {
      variant: "baseline",
      runs: 18,
      held: { maxShims: 0, finalShims: 0, maxMounts: 0, finalMounts: 0, maxBlocks: 0, runsHealedHolding: 0, longestSeconds: 0 },
      stopContainer: calls(4),
      removeContainer: calls(6, 2),
      statusWritesPerEvent: 0.5,
      extraStatusWritesPerEvent: 0,
      patch: noPatch,
    },
    {
      variant: "long-term",
      runs: 9,
      held: { maxShims: 1, finalShims: 1, maxMounts: 2, finalMounts: 1, maxBlocks: 2, runsHealedHolding: 1, longestSeconds: 605 },
      stopContainer: calls(3, 0, 1),
      removeContainer: calls(5, 1, 2),
      statusWritesPerEvent: 0.125,
      extraStatusWritesPerEvent: -0.375,
      patch: { patches: ["long-term.patch"], files: 3, added: 189, removed: 7, testOnly: 0 },
    },
  ];
  const results: Results = {
    seed: 1,
    runs: 9,
    knownTraces: [issue7247.name],
    configs: [
      baseline("pre-99748"),
      baseline("99748"),
      { config: "long-term/99748", containerd: "long-term", kubelet: "99748", cells: properties.map((p) => holds(p, p === "converges" ? "violated" : "holds")) },
    ],
    costs,
  };
  const md = renderMarkdown(results, variantFindings(results), (v) => `npx restart-sim replay ${v.counterexample.file} --config ${v.config.config}`);

  it("has the matrix as a table, with the differing cell marked and listed", () => {
    expect(md).toContain(`| configuration | ${properties.join(" | ")} |`);
    expect(md).toContain("| `baseline/pre-99748` | holds | ✗ 9 | holds |");
    expect(md).toMatch(/^\| `long-term\/99748` \|( holds \|){7} holds ≠ \|$/m);
    expect(md).toContain("- long-term/99748 converges: expected violated (because), but held after 10 scenarios");
  });

  it("says what goes wrong with each variant in the table's words, and what it costs", () => {
    expect(md).toMatch(/^- \*\*baseline\*\* \(upstream main today[^\n]*\):\n {2}- recovery-succeeds: #7247: the same name twice\n {2}- costs: No task stays/m);
    expect(md).toMatch(/^- \*\*long-term\*\* \([^\n]*\): holds every property\n {2}- costs: Keeps the stopped task/m);
  });

  it("has the costs table, a row per containerd variant", () => {
    expect(md).toContain("## What each containerd variant costs\n\n| containerd variant | shims held max/end | mounts held max/end |");
    expect(md).toContain("| `baseline` | 0/0 | 0/0 | 0 | 0 | 0 of 18 | 0/0 of 4 | 2/0 of 6 | 0.5 (±0) | none |");
    expect(md).toContain("| `long-term` | 1/1 | 2/1 | 2 | 605 | 1 of 9 | 0/1 of 3 | 1/2 of 5 | 0.125 (-0.375) | +189/-7 (3) |");
  });

  it("says a variant's costs in a maintainer's terms", () => {
    expect(costSentence(costs[1]!)).toBe(
      "Keeps the stopped task of an exited container (its rootfs mounted, its FIFOs open, 2 work-dir blocks held at most) for up to 605 s, 2 tasks at once, " +
        "keeping 1 pod shim alive only for them; in 1 of 9 runs one is still held after the faults stopped, until containerd restarts again (up to 1 mount and 1 shim leaked). " +
        "StopContainer is blocked until the caller's deadline, then failed, in 1 of 3 calls; " +
        "RemoveContainer is refused at once in 1 and blocked until the caller's deadline, then failed, in 2 of 5 calls. " +
        "0.125 status writes per event (-0.375 vs baseline). Patch: 189 lines added, 7 removed in 3 files (long-term.patch).",
    );
    expect(costSentence(costs[0]!)).toBe(
      "No task stays after its container exited. RemoveContainer is refused at once in 2 of 6 calls. 0.5 status writes per event. No patch: upstream as shipped.",
    );
  });

  it("lists the violation's trace numbered like replay, marks where it breaks, and gives the replay command", () => {
    expect(md).toContain("### baseline/pre-99748 · recovery-succeeds\n\n✗ containerd cannot start\n\nWhy: #7247: the same name twice. Found by the known trace `issue-7247`.");
    expect(md).toContain("0. `pod.add pod=p containers=[c]`\n1. `kubelet.sync pod=p`");
    expect(md).toContain("8. `containerd.start` ← **recovery-succeeds breaks here**");
    expect(md).toContain("Replay: `npx restart-sim replay traces/pre-99748.json --config baseline/pre-99748`");
  });

  it("lists a trace that several configurations share once", () => {
    expect(md).toContain(
      "### baseline/99748 · recovery-succeeds\n\n✗ containerd cannot start\n\nWhy: #7247: the same name twice. Found by the known trace `issue-7247`.\n\n" +
        "The same 9 events as baseline/pre-99748 · recovery-succeeds.\n\nReplay: `npx restart-sim replay traces/99748.json --config baseline/99748`",
    );
  });
});

describe("what goes wrong with a variant", () => {
  const cell = (property: Property, why: string | null): Cell => ({
    property,
    verdict: why === null ? "holds" : "violated",
    expected: why === null ? "holds" : "violated",
    why: why ?? "because",
    runs: 10,
    counterexample: why === null ? null : { event: 0, message: "m", trace: null, seed: 1, path: "0", file: "f", events: [] },
  });
  const row = (kubelet: KubeletVariantName, whyStuck: string | null): ConfigResults => ({
    config: `long-term/${kubelet}`,
    containerd: "long-term",
    kubelet,
    cells: properties.map((p) => cell(p, p === "no-stuck-name" ? whyStuck : null)),
  });
  const findings = (...rows: ReturnType<typeof row>[]) => variantFindings({ seed: 1, runs: 1, knownTraces: [], configs: rows, costs: [] });

  it("is one sentence when every kubelet fails the same way, else names the kubelets", () => {
    expect(findings(row("pre-99748", "slow create"), row("99748", "slow create"))[0]?.problems).toEqual([{ property: "no-stuck-name", text: "slow create" }]);
    expect(findings(row("pre-99748", "slow create"), row("99748", "slow create"), row("bump-on-deadline", null))[0]?.problems).toEqual([
      { property: "no-stuck-name", text: "with kubelet pre-99748 or 99748: slow create" },
    ]);
    expect(findings(row("pre-99748", null), row("99748", null))[0]?.problems).toEqual([]);
  });
});

describe("results of the real model", () => {
  // Two configurations, few scenarios: the known trace gives violations to write.
  const jobs: ConfigJob[] = ["baseline/pre-99748", "short-term/99748"].map((config) => ({
    config,
    runs: 20,
    seed: 7247,
    examples: [{ name: issue7247.name, events: issue7247.events }],
  }));
  const review = () => buildResults(7247, 20, [issue7247.name], jobs.map((job) => checkConfig(job)), patchSize);
  const results = review();

  it("gives an identical results.json for the same seed", () => {
    expect(resultsJson(review())).toBe(resultsJson(results));
  });

  it("carries the recommendation, its comparison rows for the variants it ran, and what the recommended one violates here", () => {
    const { recommendation: r } = JSON.parse(resultsJson(results));
    expect(r).toMatchObject({ variant: recommendation.variant, why: recommendation.why, violatedInThisRun: [] });
    expect(r.comparison.map((row: Record<string, string>) => row["containerd variant"])).toEqual(["baseline", "short-term"]);
  });

  it("carries costs for every containerd variant it ran, over the known trace and the random scenarios", () => {
    expect(results.costs.map((c) => c.variant)).toEqual(["baseline", "short-term"]);
    for (const c of results.costs) expect(c.runs).toBe(21);
    expect(results.costs[0]?.extraStatusWritesPerEvent).toBe(0);
    expect(results.costs[1]?.patch).toEqual(patchSize("short-term"));
  });

  it("writes trace files that replay to the same violation", () => {
    const out = mkdtempSync(join(tmpdir(), "restart-sim-report-"));
    writeReport(out, results, variantFindings(results));
    const safety = violations(results).filter((v) => v.cell.property !== "converges");
    expect(safety.length).toBeGreaterThan(0);
    for (const v of safety) {
      const trace = loadTrace(join(out, v.counterexample.file));
      const found = replay(trace.events, traceConfig(trace)).observation.violations;
      expect(found).toContainEqual({ property: v.cell.property, event: v.counterexample.event, message: v.counterexample.message });
    }
  });
});

describe("results on both disk layouts", () => {
  const startFailure = loadTrace(new URL("../../traces/shared-start-failure-fits.json", import.meta.url).pathname);
  const startErrorRewritten = loadTrace(new URL("../../traces/start-error-code-rewritten.json", import.meta.url).pathname);
  const crashedStart = loadTrace(new URL("../../traces/issue-11504-start-crash-created.json", import.meta.url).pathname);
  const examples = [issue7247, startFailure, startErrorRewritten, crashedStart].map((t) => ({ name: t.name, events: t.events }));
  const job = (config: string, disk: "split" | "shared"): ConfigJob => ({ config, disk, runs: 20, seed: 7247, examples });
  const configs = ["baseline/99748", "short-term/99748"];
  const split = buildResults(7247, 20, examples.map((e) => e.name), configs.map((c) => checkConfig(job(c, "split"))), patchSize);
  const shared = buildResults(7247, 20, examples.map((e) => e.name), configs.map((c) => checkConfig(job(c, "shared"))), patchSize, "shared");
  const results: Results = withShared(split, shared);

  it("says which cells the layouts judge differently, and judges the shared cells by the shared table", () => {
    expect(layoutDifferences(results).map((d) => [d.config, d.property, d.split.verdict, d.shared.verdict])).toContainEqual(["short-term/99748", "no-state-regression", "violated", "holds"]);
    expect(differences(results).filter((d) => d.cell.property === "exit-code-preserved" || d.cell.property === "no-state-regression")).toEqual([]);
  });

  it("keeps the costs of the split layout's scenarios beside both matrices", () => {
    expect(results.costs).toEqual(split.costs);
    expect(results.costs.map((c) => c.variant)).toEqual(["baseline", "short-term"]);
    expect(JSON.parse(resultsJson(results)).shared).not.toHaveProperty("costs");
    const md = renderMarkdown(results, variantFindings(results), () => "replay");
    expect(md.indexOf("## What each containerd variant costs")).toBeGreaterThan(-1);
    expect(md.indexOf("## The shared disk layout")).toBeGreaterThan(md.indexOf("## What each containerd variant costs"));
    expect(md).toMatch(/^- \*\*baseline\*\* [^\n]*\n(?: {2}- [^\n]*\n)*? {2}- costs: /m);
  });

  it("shows a shared violation with the split one's very trace once, and writes every shared one as a trace that replays on the shared layout", () => {
    const all = violations(results);
    const twins = all.filter((v) => splitTwin(results, v) !== null);
    expect(twins.length).toBeGreaterThan(0);
    expect(distinctViolations(results)).toHaveLength(all.length - twins.length);
    const out = mkdtempSync(join(tmpdir(), "restart-sim-report-"));
    writeReport(out, results, variantFindings(results));
    const onShared = all.filter((v) => v.config.disk === "shared" && v.cell.property !== "converges");
    expect(onShared.map((v) => v.counterexample.file)).toContain("traces/baseline-99748-exit-code-preserved-shared.json");
    for (const v of onShared) {
      const trace = loadTrace(join(out, v.counterexample.file));
      expect(trace.disk).toBe("shared");
      expect(replay(trace.events, traceConfig(trace)).observation.violations).toContainEqual({ property: v.cell.property, event: v.counterexample.event, message: v.counterexample.message });
    }
  });
});

describe("results on containerd 1.7", () => {
  const exitWhileDown = loadTrace(new URL("../../traces/exit-code-lost-at-second-restart.json", import.meta.url).pathname);
  const crashedStart = loadTrace(new URL("../../traces/issue-11504-start-crash-created.json", import.meta.url).pathname);
  // #7247 with kubelet #99748 (baseline/99748's recovery-succeeds and names-unique), which 20 random runs need not find.
  const createCrash = loadTrace(new URL("../../traces/issue-7247-create-crash.json", import.meta.url).pathname);
  const examples = [issue7247, exitWhileDown, crashedStart, createCrash].map((t) => ({ name: t.name, events: t.events }));
  const job = (config: string): ConfigJob => ({ config, containerd: "1.7", runs: 20, seed: 7247, examples });
  const results = buildResults(7247, 20, examples.map((e) => e.name), [checkConfig(job("short-term/99748")), checkConfig(job("baseline/99748"))], patchSize, "split", "1.7");

  it("names the release in results.json, and judges every cell by 1.7's table: short-term's exit code is lost before it is reported, baseline's StartError is never overwritten", () => {
    expect(results.containerd).toBe("1.7");
    expect(buildResults(7247, 20, [], [checkConfig({ ...job("baseline/99748"), containerd: "1.6" })], patchSize)).not.toHaveProperty("containerd");
    expect(differences(results)).toEqual([]);
    expect(releaseDifferences(results).map((d) => [d.config.config, d.cell.property, d.on16, d.cell.expected, d.cell.verdict])).toEqual([
      ["short-term/99748", "exit-code-preserved", "violated", "holds", "holds"],
      ["baseline/99748", "exit-code-preserved", "violated", "holds", "holds"],
    ]);
    expect(renderMarkdown(results, variantFindings(results), () => "")).toContain("## On containerd 1.7");
  });

  it("writes each counterexample as a trace that says it is for 1.7 and replays there", () => {
    const out = mkdtempSync(join(tmpdir(), "restart-sim-report-"));
    writeReport(out, results, variantFindings(results));
    const safety = violations(results).filter((v) => v.cell.property !== "converges");
    expect(safety.length).toBeGreaterThan(0);
    for (const v of safety) {
      expect(v.counterexample.file).toMatch(/-1\.7\.json$/);
      const trace = loadTrace(join(out, v.counterexample.file));
      expect(trace.containerd).toBe("1.7");
      expect(replay(trace.events, traceConfig(trace)).observation.violations).toContainEqual({ property: v.cell.property, event: v.counterexample.event, message: v.counterexample.message });
    }
  });
});
