// Every non-baseline containerd variant has its patch, and each patch's header states the
// variant's policy values as model/variants/containerd.ts has them, so that a change of a
// policy value cannot leave its patch behind unnoticed.
import { recommendation } from "../../cli/report/recommendation.ts";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { containerdVariants, type ContainerdVariant } from "../../model/variants/containerd.ts";
import { patchesFor, testHooksPatch } from "./patches.ts";
import { storagePoints } from "../slow-calls.ts";

const policyFields = (v: ContainerdVariant) => Object.entries(v).filter(([k]) => k !== "name" && k !== "summary");

function header(path: string): string {
  const text = readFileSync(path, "utf8");
  return text.slice(0, text.indexOf("\ndiff --git "));
}

/** The header's "Policy values it implements" table: one `field value` line per field. */
function policyTable(text: string): string {
  const start = text.indexOf("Policy values it implements");
  return start < 0 ? "" : text.slice(start).split("\n\n")[0]!;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("conformance/patches", () => {
  it("baseline is Debian's tree as shipped", () => {
    expect(patchesFor("baseline")).toEqual([]);
  });

  it.each(containerdVariants.filter((v) => v.name !== "baseline").map((v) => [v.name, v] as const))("%s: its patches exist and start with a header", (name) => {
    const patches = patchesFor(name);
    expect(patches.length).toBeGreaterThan(0);
    for (const p of patches) expect(header(p.path)).toContain(`containerd variant "${p.name.replace(/\.patch$/, "")}"`);
  });

  // A variant with a patch of its own name: the header's policy table lists every policy value.
  it.each(containerdVariants.filter((v) => patchesFor(v.name).some((p) => p.name === `${v.name}.patch`)).map((v) => [v.name, v] as const))(
    "%s: the header states every policy value of the model's variant",
    (name, variant) => {
      const text = policyTable(header(patchesFor(name).find((p) => p.name === `${name}.patch`)!.path));
      for (const [field, value] of policyFields(variant)) {
        expect(text, `${field} ${JSON.stringify(value)}`).toMatch(new RegExp(`^\\s+${field}\\s+${escape(JSON.stringify(value))}(\\s|$)`, "m"));
      }
    },
  );

  it("the test hooks are marked TEST-ONLY, apart from every variant's fix, and hold storage.hang's points", () => {
    const text = readFileSync(testHooksPatch.path, "utf8");
    expect(header(testHooksPatch.path)).toMatch(/^TEST-ONLY: /);
    expect(header(testHooksPatch.path)).toContain("NO PART OF ANY FIX");
    for (const v of containerdVariants) expect(patchesFor(v.name).map((p) => p.name)).not.toContain(testHooksPatch.name);
    // Every hunk that adds a hook says so in a TEST-ONLY comment.
    const added = text.split("\n").filter((l) => /^\+\s*testHold(Opt)?\((ctx, )?"/.test(l));
    expect(added.length).toBeGreaterThanOrEqual(12);
    for (const point of Object.values(storagePoints)) expect(added.some((l) => l.includes(`"${point}"`)), point).toBe(true);
    expect(text.split("\n").filter((l) => l.startsWith("+") && l.includes("// TEST-ONLY (test-hooks.patch)")).length).toBe(added.length);
  });

  // The ports to containerd 1.7 (conformance/patches/1.7/): the same header conventions, the
  // same policy table as the model's variant, and hunks in the CRI service 1.7 runs by default.
  const ported = readdirSync(new URL("../patches/1.7/", import.meta.url)).filter((f) => f.endsWith(".patch")).map((f) => f.replace(/\.patch$/, ""));
  it("ports at least short-term and the recommended fix's patches to 1.7", () => {
    const recommended = recommendation.variant;
    expect(ported).toEqual(expect.arrayContaining(["short-term", ...patchesFor(recommended).map((p) => p.name.replace(/\.patch$/, ""))]));
    expect(patchesFor(recommended, "1.7").map((p) => p.name)).toEqual(patchesFor(recommended).map((p) => p.name));
  });

  it.each(ported.map((name) => [name, containerdVariants.find((v) => v.name === name)] as const))("1.7/%s: header names the variant and trixie's tree, states every policy value, patches pkg/cri/server and its stores (not sbserver)", (name, variant) => {
    expect(variant, `${name} is a variant the model knows`).toBeDefined();
    const path = patchesFor(name, "1.7")[0]!.path;
    expect(header(path)).toMatch(new RegExp(`^restart-sim containerd variant "${escape(name)}" as a patch to Debian trixie's containerd 1\\.7\\.`));
    const text = policyTable(header(path));
    for (const [field, value] of policyFields(variant!)) {
      expect(text, `${field} ${JSON.stringify(value)}`).toMatch(new RegExp(`^\\s+${field}\\s+${escape(JSON.stringify(value))}(\\s|$)`, "m"));
    }
    const files = readFileSync(path, "utf8").split("\n").filter((l) => l.startsWith("diff --git ")).map((l) => l.split(" ")[2]!);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f).toMatch(/^a\/pkg\/cri\/(server|store)\//);
  });

  it("a variant not ported to 1.7 has no 1.7 patches", () => {
    const notPorted = containerdVariants.find((v) => v.name !== "baseline" && !ported.includes(v.name) && !patchesFor(v.name).every((p) => ported.includes(p.name.replace(/\.patch$/, ""))));
    if (notPorted) expect(() => patchesFor(notPorted.name, "1.7")).toThrow(/on 1\.7: .* is missing/);
  });

  it("rejects an unknown variant", () => {
    expect(() => patchesFor("nope")).toThrow(/unknown containerd variant "nope"/);
  });
});
