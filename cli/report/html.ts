// index.html: the design review as one self-contained page that opens offline. The matrix of
// each disk layout links every violated cell to its sequence diagram, the costs table stands
// beside the first; the diagrams are drawn in the browser by mermaid, whose bundle is inlined,
// so the page fetches nothing.
import { properties } from "../../properties/invariants.ts";
import { counterexampleName } from "../counterexample-trace.ts";
import type { VariantFindings } from "./findings.ts";
import type { DaemonRecord } from "./daemon.ts";
import { costCells, costColumns, costsLegend } from "./costs.ts";
import {
  cellLabel,
  configLabel,
  describeDifference,
  differences,
  expectationSentence,
  layoutDifferences,
  legend,
  releaseDifferences,
  splitTwin,
  distinctViolations,
  type Cell,
  type ConfigResults,
  type Matrix,
  type Results,
  type Violation,
} from "./results.ts";
import { groupLayoutDifferences } from "./terminal.ts";

export interface HtmlInputs {
  /** mermaid's browser bundle (dist/mermaid.min.js). */
  mermaid: string;
  findings: VariantFindings[];
  diagram(v: Violation): string;
  command(v: Violation): string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A value as JavaScript source inside a <script> element: no `<`, so nothing in it can close the element. */
function scriptValue(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const anchor = (config: ConfigResults, cell: Cell) => `${counterexampleName(config.config, cell.property)}${config.disk ? `-${config.disk}` : ""}`;

/** Where a violated cell's diagram is: its own section, or its split twin's (splitTwin). */
type Target = (config: ConfigResults, cell: Cell) => string;

function matrixCell(config: ConfigResults, cell: Cell, target: Target): string {
  const differs = cell.verdict !== cell.expected ? " differs" : "";
  const label = escapeHtml(cellLabel(cell));
  return `<td class="${cell.verdict}${differs}"${heldTitle(cell)}>${cell.counterexample ? `<a href="#${target(config, cell)}">${label}</a>` : label}</td>`;
}

function matrix(results: Matrix, target: Target, id = "matrix"): string {
  const head = properties.map((p) => `<th>${escapeHtml(p)}</th>`).join("");
  const rows = results.configs.map((c) => `<tr><th scope="row">${escapeHtml(c.config)}</th>${c.cells.map((cell) => matrixCell(c, cell, target)).join("")}</tr>`);
  return `<table id="${id}"><thead><tr><th>configuration</th>${head}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>
<p class="legend">${escapeHtml(legend)}. Click a violation for its diagram.</p>`;
}

function costsTable(results: Results): string {
  const head = costColumns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const rows = results.costs.map((c) => {
    const [variant, ...cells] = costCells(c);
    return `<tr><th scope="row">${escapeHtml(variant!)}</th>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`;
  });
  return `<table id="costs"><thead><tr>${head}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>
<p class="legend">${escapeHtml(costsLegend)}</p>`;
}

/** The known traces that ran clean on a variant's daemon, per layout, and those that differed with their fields. */
function daemonTraces(records: readonly DaemonRecord[]): string {
  if (records.length === 0) return "";
  const layouts = records.map((r) => {
    const differed = r.differed.map((d) => `${d.trace} (${d.fields.join(", ")})`);
    return `<p><b>${escapeHtml(r.layout)}</b>: ran clean: ${escapeHtml(r.ranClean.join(", "))}${differed.length > 0 ? `; differed: ${escapeHtml(differed.join("; "))}` : ""}</p>`;
  });
  return `<details class="daemon"><summary>The known traces on ${escapeHtml(records[0]!.on)}</summary>${layouts.join("")}</details>`;
}

function findingsList(findings: VariantFindings[], daemons: readonly DaemonRecord[]): string {
  const items = findings.map((f) => {
    const problems =
      f.problems.length === 0
        ? `<p class="ok">holds every property</p>`
        : `<ul>${f.problems.map((p) => `<li><b>${escapeHtml(p.property)}</b>: ${escapeHtml(p.text)}</li>`).join("")}</ul>`;
    const costs = f.costs === null ? "" : `<p class="costs"><b>Costs</b>: ${escapeHtml(f.costs)}</p>`;
    const daemon = f.daemon === null ? "" : `<p class="daemon"><b>Real daemon</b>: ${escapeHtml(f.daemon)}</p>${daemonTraces(daemons.filter((d) => d.variant === f.variant))}`;
    return `<li><h3>${escapeHtml(f.variant)}</h3><p class="summary">${escapeHtml(f.summary)}</p>${problems}${costs}${daemon}</li>`;
  });
  return `<ul class="variants">${items.join("\n")}</ul>`;
}

function differencesBox(results: Results): string {
  const differing = differences(results);
  if (differing.length === 0) return `<p class="ok">Every cell matches the expected table (properties/verdicts.ts).</p>`;
  const items = differing.map((d) => `<li><b>${escapeHtml(configLabel(d.config))} ${escapeHtml(d.cell.property)}</b>: ${escapeHtml(describeDifference(d))}</li>`);
  return `<div class="differences"><p>${differing.length} cell(s) differ from the expected table (properties/verdicts.ts):</p><ul>${items.join("")}</ul></div>`;
}

function violationSection(v: Violation, index: number, inputs: HtmlInputs): string {
  const c = v.counterexample;
  const origin = c.trace ? `the known trace <code>${escapeHtml(c.trace)}</code>` : `fast-check seed ${c.seed}, path <code>${escapeHtml(c.path ?? "")}</code>`;
  const expectation = `<p class="why${v.cell.expected === "violated" ? "" : " differs"}">${escapeHtml(expectationSentence(v.cell))}</p>`;
  return `<section class="violation" id="${anchor(v.config, v.cell)}">
<h3>${escapeHtml(configLabel(v.config))} · ${escapeHtml(v.cell.property)} <span class="length">breaks at event ${c.event} of ${c.events.length}</span></h3>
<p class="message">✗ ${escapeHtml(c.message)}</p>
${expectation}
<p class="origin">Found by ${origin}.</p>${daemonLine(v.cell)}
<details class="diagram" open><summary>Sequence diagram</summary>
<div class="lanes"></div>
<div data-diagram="${index}">drawing the diagram…</div>
</details>
<p class="replay">Replay: <code>${escapeHtml(inputs.command(v))}</code></p>
</section>`;
}

/** What the variant's daemon showed for a violated cell. */
function daemonLine(cell: Cell): string {
  const d = cell.daemon;
  if (!d) return "";
  const text =
    d.result === "reproduced"
      ? `● Reproduced on ${escapeHtml(d.on)}: <code>${escapeHtml(d.trace)}</code>, lowered to CRI calls, agrees with the model field by field.`
      : d.result === "differed"
        ? `○ Ran on ${escapeHtml(d.on)} as <code>${escapeHtml(d.trace)}</code>; these fields differed from the model: ${d.fields.map((f) => `<code>${escapeHtml(f)}</code>`).join(", ")}.`
        : d.result === "not run"
          ? `Not run on ${escapeHtml(d.on)}: ${escapeHtml(d.why)}.`
          : d.result === "not recorded"
            ? `Not recorded on ${escapeHtml(d.on)} yet: its lowered counterexample can run there.`
            : "";
  return text === "" ? "" : `<p class="daemon ${d.result.replace(" ", "-")}">${text}</p>`;
}

/** A holding cell's title: how many known traces ran clean on its variant's daemon (its variant's line names them). */
function heldTitle(cell: Cell): string {
  const d = cell.daemon;
  if (d?.result !== "held") return "";
  const differed = d.differed.length > 0 ? `; differed: ${d.differed.join(", ")}` : "";
  return ` title="${escapeHtml(`${d.ranClean} known trace(s) ran clean on ${d.on}${differed}`)}"`;
}

const style = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1600px; padding: 0 1.5em; color: #1f2328; }
code { font: 13px ui-monospace, monospace; background: #f3f4f6; padding: 0.1em 0.3em; border-radius: 3px; }
table#matrix { border-collapse: collapse; font-size: 14px; }
#matrix th, #matrix td { border: 1px solid #d0d7de; padding: 0.35em 0.6em; text-align: center; }
#matrix th[scope=row] { text-align: left; white-space: nowrap; font-family: ui-monospace, monospace; font-weight: normal; }
#matrix thead th { font-family: ui-monospace, monospace; font-weight: normal; font-size: 12px; }
#matrix td.holds { background: #dcfce7; color: #166534; }
#matrix td.violated { background: #fee2e2; }
#matrix td.violated a { color: #991b1b; font-weight: 600; }
#matrix td.differs { outline: 3px solid #7c3aed; outline-offset: -3px; }
table#costs { border-collapse: collapse; font-size: 14px; }
#costs th, #costs td { border: 1px solid #d0d7de; padding: 0.35em 0.6em; text-align: right; }
#costs th[scope=row] { text-align: left; white-space: nowrap; font-family: ui-monospace, monospace; font-weight: normal; }
#costs thead th { font-weight: normal; font-size: 12px; text-align: center; }
.legend, .origin, .summary, .daemon { color: #57606a; font-size: 13px; }
.daemon.reproduced { color: #166534; }
.daemon.differed { border-left: 4px solid #7c3aed; padding-left: 0.8em; }
.ok { color: #166534; }
.differences, .why.differs { border-left: 4px solid #7c3aed; padding-left: 0.8em; }
ul.variants { list-style: none; padding: 0; }
ul.variants h3 { margin: 1em 0 0; }
section.violation { border-top: 1px solid #d0d7de; margin-top: 2em; }
.length { font-weight: normal; color: #57606a; font-size: 14px; }
.message { color: #991b1b; font-weight: 600; }
details.diagram { margin: 1em 0; }
details.diagram > summary { cursor: pointer; color: #57606a; font-size: 13px; }
[data-diagram].error { color: #991b1b; white-space: pre-wrap; font-family: ui-monospace, monospace; }
/* The lane names stay at the top of the window while a long diagram scrolls under them. */
.lanes { position: sticky; top: 0; z-index: 1; height: 1.9em; background: rgba(255, 255, 255, 0.92); }
.lanes:empty { display: none; }
.lanes span { position: absolute; top: 0.2em; box-sizing: border-box; text-align: center; font-size: 13px; line-height: 1.5em;
  background: #e0e7ff; border: 1px solid #6366f1; border-radius: 3px; overflow: hidden; white-space: nowrap; }
`;

// Draws a diagram when it comes near the window (or its <details> is opened, which brings it
// into view): drawing all of them up front kept the page busy for many seconds. A diagram
// mermaid cannot parse shows its error instead, so a broken one is visible (and the browser
// test fails on it).
const renderScript = `
let mermaidLoaded = false;
function loadMermaid() {
  if (mermaidLoaded) return;
  const bundle = document.createElement("script");
  bundle.textContent = mermaidBundle;
  document.head.append(bundle);
  // Notes neutral, so that colour means one thing: yellow what containerd logs, red the break.
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "base",
    themeVariables: { primaryColor: "#e0e7ff", primaryBorderColor: "#6366f1", noteBkgColor: "#ffffff", noteBorderColor: "#94a3b8" },
    sequence: { width: 190, actorMargin: 40, noteAlign: "left", mirrorActors: true, useMaxWidth: true } });
  mermaidLoaded = true;
}
// The sticky strip above a diagram stands in for mermaid's top row of lanes, which is cut off:
// each lane's name at its top actor's place, in percent of the drawing's width, so that it
// stays over its lifeline at any window width.
function drawLanes(host) {
  const svg = host.querySelector("svg");
  const box = svg.viewBox.baseVal;
  const strip = host.parentElement.querySelector(".lanes");
  strip.style.maxWidth = svg.style.maxWidth;
  const actors = [...svg.querySelectorAll("rect.actor-top")];
  for (const actor of actors) {
    const x = Number(actor.getAttribute("x")), width = Number(actor.getAttribute("width"));
    const name = document.createElement("span");
    name.textContent = actor.parentElement.querySelector("text").textContent;
    name.style.left = ((x - box.x) / box.width) * 100 + "%";
    name.style.width = (width / box.width) * 100 + "%";
    strip.append(name);
  }
  const below = Math.max(...actors.map((a) => Number(a.getAttribute("y")) + Number(a.getAttribute("height"))));
  svg.setAttribute("viewBox", [box.x, below, box.width, box.height - (below - box.y)].join(" "));
}
async function draw(host) {
  const index = Number(host.dataset.diagram);
  try {
    loadMermaid();
    host.innerHTML = (await mermaid.render("diagram-svg-" + index, diagrams[index])).svg;
    drawLanes(host);
    host.dataset.state = "rendered";
  } catch (error) {
    host.textContent = "This diagram failed to render: " + (error && error.message ? error.message : String(error));
    host.dataset.state = "error";
    host.classList.add("error");
  }
}
// Within margin pixels of the window, and shown (a closed <details> gives its diagram no box).
const margin = 600;
function near(host, within) {
  const box = host.getBoundingClientRect();
  return box.height > 0 && box.bottom > -within && box.top < innerHeight + within;
}
// Diagrams that came near the window, drawn one at a time: first those in the window, then
// those near it. Each drawing moves what is below it, so nearness is measured again before
// each one, and the page takes input between two.
const waiting = new Set();
let drawing = false;
async function drawWaiting() {
  if (drawing) return;
  drawing = true;
  for (;;) {
    const candidates = [...waiting];
    const host = candidates.find((h) => near(h, 0)) ?? candidates.find((h) => near(h, margin));
    if (!host) break;
    waiting.delete(host);
    observer.unobserve(host);
    await draw(host);
    await new Promise((resolve) => setTimeout(resolve));
  }
  drawing = false;
}
const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (entry.isIntersecting) waiting.add(entry.target);
    else waiting.delete(entry.target);
  }
  drawWaiting();
}, { rootMargin: margin + "px 0px" });
for (const host of document.querySelectorAll("[data-diagram]")) observer.observe(host);
// Running the bundle takes the better part of a second: done while the reader reads the
// matrix, the first diagram they open is drawn at once.
requestIdleCallback(loadMermaid);`;

/** The shared disk layout's matrix and the cells it judges differently from the split layout. */
function sharedSection(results: Results, target: Target): string {
  const shared = results.shared;
  if (!shared) return "";
  const differing = layoutDifferences(results);
  const list =
    differing.length === 0
      ? `<p class="ok">Every cell has the same verdict on both layouts.</p>`
      : `<div class="differences"><p>${differing.length} cell(s) differ between the layouts:</p><ul>${groupLayoutDifferences(differing)
          .map((g) => `<li><b>${escapeHtml(g.property)}</b> on ${escapeHtml(g.configs.join(", "))}: ${escapeHtml(g.text)}</li>`)
          .join("")}</ul></div>`;
  return `<h2>The shared disk layout</h2>
<p>The same review with containerd's whole root on one filesystem, as in production (<code>--disk shared</code>): a task delete or a status file's rename frees blocks that a later write takes. The matrix above is the split layout (the CRI plugin's directory on its own filesystem, as the conformance harness runs it). The ${shared.knownTraces.length} known traces, then ${shared.runs} random scenarios per cell, including restarts whose container loads run in parallel. A violation with the same trace as on the split layout links to that one's diagram.</p>
${matrix(shared, target, "matrix-shared")}
<h3>Where the layouts differ</h3>
${list}`;
}

/** On a release other than 1.6: which cells the table judges differently there, and why. */
function releaseSection(results: Results): string {
  if (!results.containerd) return "";
  const items = releaseDifferences(results).map(
    (d) => `<li><b>${escapeHtml(configLabel(d.config))} ${escapeHtml(d.cell.property)}</b>: 1.6 ${d.on16}, ${escapeHtml(results.containerd ?? "")} ${d.cell.expected} (found ${d.cell.verdict}): ${escapeHtml(d.cell.why)}</li>`,
  );
  return `
<h2>On containerd ${escapeHtml(results.containerd)}</h2>
<p>This review ran on containerd ${escapeHtml(results.containerd)} (<code>--containerd ${escapeHtml(results.containerd)}</code>, model/releases.ts). ${items.length} cell(s) of the table differ from 1.6:</p>
<ul>${items.join("")}</ul>`;
}

export function renderHtml(results: Results, inputs: HtmlInputs): string {
  const found = distinctViolations(results);
  const target: Target = (config, cell) => {
    const twin = cell.counterexample ? splitTwin(results, { config, cell, counterexample: cell.counterexample }) : null;
    return twin ? anchor(twin.config, twin.cell) : anchor(config, cell);
  };
  const sections = found.map((v, i) => violationSection(v, i, inputs));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>restart-sim design review</title>
<style>${style}</style>
</head>
<body>
<h1>restart-sim design review</h1>
<p>Every configuration (containerd variant / kubelet variant) against every property of design.md: the ${results.knownTraces.length} known traces, then ${results.runs} random scenarios per cell (fast-check seed ${results.seed}). A violation shows the shortest trace found.</p>${releaseSection(results)}
<h2>Verdicts</h2>
${matrix(results, target)}
${differencesBox(results)}
<h2>What each containerd variant costs</h2>
${costsTable(results)}
<h2>What goes wrong with each containerd variant, and what it costs</h2>
${findingsList(inputs.findings, results.daemons ?? [])}
${sharedSection(results, target)}
<h2>Violations (${found.length})</h2>
<p>Each diagram is a shortest trace: one lane per part, one block per event, successful checkpoint writes left out. Yellow bands are what the real containerd logs; the red band is the event at which the property breaks.</p>
${sections.join("\n")}
<script>const mermaidBundle = ${scriptValue(inputs.mermaid)};
const diagrams = ${scriptValue(found.map(inputs.diagram))};${renderScript}</script>
</body>
</html>
`;
}
