// The report in a real browser: headless Chromium (Debian's `chromium` package, driven by
// playwright-core) opens an index.html that `restart-sim compare` wrote and checks that a
// reader can use it at once, that every diagram renders when scrolled to, and that the lane
// names stay over their lifelines on a long diagram; then saves screenshots to look at.
// Skipped, with a message, where there is no Chromium (.ci/run installs it).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { distinctViolations, type Results } from "./results.ts";

const chromiumPath = "/usr/bin/chromium";
const hasPlaywright = (() => {
  try {
    import.meta.resolve("playwright-core");
    return true;
  } catch {
    return false;
  }
})();
const missing = !existsSync(chromiumPath) ? `no ${chromiumPath} (apt-get install chromium)` : !hasPlaywright ? "playwright-core is not installed (npm ci)" : null;
if (missing) console.warn(`report browser test skipped: ${missing}`);

const repo = new URL("../..", import.meta.url).pathname;
/** The bound: with ~75 diagrams, drawing them all up front kept the page busy for many seconds. */
const interactiveWithinMs = 2000;

describe.skipIf(missing !== null)("the report in headless Chromium", () => {
  let out: string;
  let page: string;
  let violated: number;
  /** The diagram of the longest counterexample (in events): `data-diagram` numbers the violations in order. */
  let longest: number;
  let configs: number;
  let browser: BrowserContext;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "restart-sim-browser-"));
    // Few scenarios: the known traces alone give every violation a diagram to draw.
    const run = spawnSync(process.execPath, [join(repo, "bin/restart-sim.mjs"), "compare", "--runs", "10", "--out", out, "--json"], { cwd: repo, encoding: "utf8" });
    expect([0, 1], `compare failed:\n${run.stderr}`).toContain(run.status);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Results;
    // Both disk layouts' matrices: every violation of either has its diagram, once.
    const drawn = distinctViolations(results);
    violated = drawn.length;
    configs = results.configs.length;
    const lengths = drawn.map((v) => v.counterexample.events.length);
    longest = lengths.indexOf(Math.max(...lengths));
    page = pathToFileURL(join(out, "index.html")).href;
    const { chromium } = await import("playwright-core");
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "restart-sim-chromium-")), {
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1400, height: 1000 },
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** A fresh page on the report that records every script error and every request that fails (the page must fetch nothing). */
  async function open(): Promise<{ page: Page; errors: string[] }> {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on("pageerror", (e) => errors.push(e.message));
    tab.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
    await tab.goto(page);
    return { page: tab, errors };
  }

  // Interactive, as a reader uses the page: it has loaded, a click on the matrix's first
  // violation has brought its section into view with the diagram drawn, and a click on the
  // diagram's summary has folded it. Measured on the page's own clock from navigation start,
  // so the test's own round trips count against the page too.
  it(`is interactive within ${interactiveWithinMs} ms of navigation`, { timeout: 60_000 }, async () => {
    const { page: tab, errors } = await open();
    const link = tab.locator("#matrix td a").first();
    const target = (await link.getAttribute("href"))!;
    await link.click();
    await tab.locator(`${target} [data-diagram][data-state="rendered"] > svg`).waitFor();
    await expect.poll(() => tab.locator(`${target} details.diagram`).isVisible()).toBe(true);
    await tab.locator(`${target} details.diagram > summary`).click();
    await expect.poll(() => tab.locator(`${target} details.diagram`).evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    const interactive = await tab.evaluate(() => performance.now());
    console.log(`report interactive ${Math.round(interactive)} ms after navigation (${violated} diagrams)`);
    expect(interactive).toBeLessThan(interactiveWithinMs);
    // Drawn on demand: the last diagram, far below, has not been drawn.
    expect(await tab.locator("[data-diagram]").last().getAttribute("data-state")).toBeNull();
    expect(errors).toEqual([]);
    await tab.close();
  });

  it("renders the matrix and every diagram, each when scrolled to, without an error", { timeout: 180_000 }, async () => {
    const { page: tab, errors } = await open();
    expect(await tab.locator("#matrix tbody tr").count()).toBe(configs);
    const hosts = tab.locator("[data-diagram]");
    expect(await hosts.count()).toBe(violated);
    for (const host of await hosts.all()) {
      await host.scrollIntoViewIfNeeded();
      await expect.poll(() => host.getAttribute("data-state"), { timeout: 30_000 }).not.toBeNull();
    }
    expect(await tab.locator('[data-diagram][data-state="rendered"] > svg').count()).toBe(violated);
    const text = await tab.locator("body").innerText();
    expect(text).not.toMatch(/Syntax error|Parse error|failed to render/);
    expect(errors).toEqual([]);

    const screenshot = join(out, "report.png");
    await tab.screenshot({ path: screenshot });
    const diagram = join(out, "report-first-diagram.png");
    // The whole page as one frame, so that the sticky lane names sit at the top of the diagram
    // rather than wherever the window was while an element screenshot scrolled.
    await tab.evaluate(() => window.scrollTo(0, 0));
    await tab.screenshot({ path: diagram, fullPage: true, clip: (await tab.locator("section.violation").first().boundingBox())! });
    console.log(`report screenshots: ${screenshot} ${diagram}`);
    await tab.close();
  });

  it("keeps each lane's name over its lifeline while a long diagram scrolls", { timeout: 60_000 }, async () => {
    const { page: tab } = await open();
    const host = tab.locator(`[data-diagram="${longest}"]`);
    // To the top of the window, as its link in the matrix does.
    await host.evaluate((h) => h.closest("section")!.scrollIntoView());
    await tab.locator(`[data-diagram="${longest}"][data-state="rendered"] > svg`).waitFor();
    // Halfway down the diagram, far from both rows of lane boxes mermaid draws.
    const drawn = (await host.boundingBox())!;
    expect(drawn.height, "the longest diagram should be taller than the window").toBeGreaterThan(1000);
    await tab.mouse.wheel(0, drawn.y + drawn.height / 2);
    await expect.poll(async () => (await host.boundingBox())!.y).toBeLessThan(-drawn.height / 3);

    const section = tab.locator("section.violation", { has: host });
    // Both left to right, by where they are drawn.
    const lanes = await section.locator(".lanes span").evaluateAll((spans) =>
      spans.map((s) => ({ name: s.textContent, ...s.getBoundingClientRect().toJSON() as { left: number; width: number; top: number; bottom: number } })).sort((a, b) => a.left - b.left),
    );
    const lifelines = await host.locator("line.actor-line").evaluateAll((lines) => lines.map((l) => l.getBoundingClientRect()).map((r) => r.left + r.width / 2).sort((a, b) => a - b));
    expect(lanes.map((l) => l.name)).toEqual(["kubelet", "CRI plugin", "shim", "disk", "metadata"]);
    expect(lifelines).toHaveLength(lanes.length);
    for (const [i, lane] of lanes.entries()) {
      expect(lane.top, `${lane.name} is at the top of the window`).toBeGreaterThanOrEqual(0);
      expect(lane.bottom, `${lane.name} is at the top of the window`).toBeLessThan(60);
      expect(Math.abs(lane.left + lane.width / 2 - lifelines[i]!), `${lane.name} over its lifeline`).toBeLessThan(2);
    }
    // Mermaid's mirrored row closes the diagram with the names again.
    expect(await host.locator("rect.actor-bottom").count()).toBe(lanes.length);
    const screenshot = join(out, "report-long-diagram.png");
    await tab.screenshot({ path: screenshot });
    console.log(`long diagram halfway down: ${screenshot}`);
    await tab.close();
  });
});
