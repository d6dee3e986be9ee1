// The report in a real browser: headless Chromium (Debian's `chromium` package, driven by
// playwright-core) opens an index.html that `restart-sim compare` wrote and checks that the
// matrix and every diagram rendered, then saves screenshots to look at. Skipped, with a
// message, where there is no Chromium (.ci/run installs it).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { Results } from "./results.ts";

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

describe.skipIf(missing !== null)("the report in headless Chromium", () => {
  it("renders the matrix and every diagram without an error", { timeout: 180_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), "restart-sim-browser-"));
    // Few scenarios: the known traces alone give every violation a diagram to draw.
    const run = spawnSync(process.execPath, [join(repo, "bin/restart-sim.mjs"), "compare", "--runs", "10", "--out", out, "--json"], { cwd: repo, encoding: "utf8" });
    expect([0, 1], `compare failed:\n${run.stderr}`).toContain(run.status);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Results;
    const violated = results.configs.flatMap((c) => c.cells).filter((cell) => cell.counterexample !== null).length;

    const { chromium } = await import("playwright-core");
    const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "restart-sim-chromium-")), {
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1400, height: 1000 },
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
      await page.goto(pathToFileURL(join(out, "index.html")).href);
      await page.waitForSelector("body[data-diagrams=done]", { timeout: 120_000 });

      expect(await page.locator("#matrix tbody tr").count()).toBe(results.configs.length);
      expect(await page.locator("[data-diagram]").count()).toBe(violated);
      expect(await page.locator('[data-diagram][data-state="rendered"] > svg').count()).toBe(violated);
      const text = await page.locator("body").innerText();
      expect(text).not.toMatch(/Syntax error|Parse error|failed to render/);
      expect(errors).toEqual([]);

      const screenshot = join(out, "report.png");
      await page.screenshot({ path: screenshot });
      const diagram = join(out, "report-first-diagram.png");
      await page.locator("section.violation").first().screenshot({ path: diagram });
      console.log(`report screenshots: ${screenshot} ${diagram}`);
    } finally {
      await browser.close();
    }
  });
});
