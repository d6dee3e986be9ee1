// The model against what the real containerd 1.6.20 did on these traces, recorded per
// containerd variant by `restart-sim conformance [--variant V] --record conformance/recorded`
// (root only): recorded/<variant>/<trace>.json, where baseline is the packaged daemon and
// every other variant Debian's source with conformance/patches/<variant>.patch; and what
// Debian trixie's containerd 1.7 did, by `--containerd 1.7`: recorded/<variant>/containerd-1.7/,
// held to the model on containerd release 1.7 (model/releases.ts). The shared layout's
// (`--disk shared`, one filesystem for containerd's whole root) are one dir further down,
// <...>/shared/ (recordings.ts), held to the model on that layout. Each restart is replayed in
// the order the daemon loaded (recordings.ts: eventsAsRun; on 1.7 in a schedule its errgroup
// could have taken: schedules.ts). This keeps the model honest in
// `npm test`, where no daemon can run; re-record after changing a trace.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTrace } from "../model/trace.ts";
import { configOrThrow, onDisk, onRelease } from "../model/config.ts";
import { releaseOf } from "../model/releases.ts";
import { diskLayouts } from "../model/disk.ts";
import { containerdVariants } from "../model/variants/containerd.ts";
import { releases } from "./containerd-1.7.ts";
import { isClean, judge } from "./known-differences.ts";
import { recordingDir, runLabel, type Recording } from "./recordings.ts";
import { heldToModel } from "./schedules.ts";

const dir = new URL("./recorded/", import.meta.url);
const variants = readdirSync(dir).sort();
const recorded = variants.flatMap((variant) =>
  releases.flatMap((release) =>
    diskLayouts.flatMap((layout) => {
      const at = recordingDir(release, variant, layout);
      const under = new URL(`${at}/`, dir);
      const files = existsSync(under) ? readdirSync(under).filter((f) => f.endsWith(".json")) : [];
      return files.sort().map((file) => ({ release, variant, layout, daemon: runLabel(release, variant, layout), path: `${at}/${file}`, file }));
    }),
  ),
);

describe("model vs recorded real-daemon observations", () => {
  it("has recordings of every containerd variant, each a variant the model knows", () => {
    expect(variants).toEqual(containerdVariants.map((v) => v.name).sort());
    for (const variant of variants) expect(recorded.filter((r) => r.variant === variant && r.release === "1.6").length).toBeGreaterThanOrEqual(5);
  });

  it("has recordings of the packaged containerd 1.7 for every trace the packaged 1.6 has", () => {
    const on = (release: string) => recorded.filter((r) => r.variant === "baseline" && r.release === release && r.layout === "split").map((r) => r.file);
    expect(on("1.7")).toEqual(on("1.6"));
  });

  it("has a shared-layout recording of every variant for every trace it has a split one of", () => {
    for (const variant of variants) {
      const on = (layout: string) => recorded.filter((r) => r.variant === variant && r.release === "1.6" && r.layout === layout).map((r) => r.file);
      const shared = on("shared");
      expect(on("split").filter((f) => !shared.includes(f)), variant).toEqual([]);
    }
  });

  it.each(recorded)("$daemon: $file: every field agrees, is a documented nondeterminism or a listed finding", ({ release, variant, layout, daemon, path, file }) => {
    const real = JSON.parse(readFileSync(new URL(path, dir), "utf8")) as Recording;
    const parsed = parseTrace(readFileSync(new URL(`../traces/${file}`, import.meta.url), "utf8"));
    if (!parsed.ok) throw new Error(parsed.error);
    // The kubelet half does not matter: these traces have no kubelet events.
    const config = onRelease(onDisk(configOrThrow(`${variant}/99748`), layout), releaseOf(release));
    const { judged } = heldToModel(parsed.trace.events, release, real.loadOrders, config, real, (fields) => judge(daemon, file.replace(/\.json$/, ""), fields), isClean);
    const { unexpected, stale } = judged;
    expect(unexpected).toEqual([]);
    expect(stale).toEqual([]);
  });
});
