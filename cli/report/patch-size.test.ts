// A patch's size as `git apply --numstat` counts it, with test-only hunks left out.
import { describe, expect, it } from "vitest";
import { containerdVariants } from "../../model/variants/containerd.ts";
import { patchSize, patchSizeOf, testOnlyMarker } from "./patch-size.ts";

const patch = [
  "restart-sim containerd variant \"x\": a header line",
  "- a header line that looks like a removal",
  "",
  "diff --git a/pkg/a.go b/pkg/a.go",
  "--- a/pkg/a.go",
  "+++ b/pkg/a.go",
  "@@ -1,3 +1,4 @@",
  " context",
  "-old",
  "+new",
  "+more",
  "diff --git a/pkg/b.go b/pkg/b.go",
  "--- a/pkg/b.go",
  "+++ b/pkg/b.go",
  "@@ -5,2 +5,3 @@",
  " context",
  `+\t// ${testOnlyMarker}: a crash point for the harness`,
  "+\tcrashAt(\"x\")",
  "diff --git a/pkg/a_test.go b/pkg/a_test.go",
  "--- a/pkg/a_test.go",
  "+++ b/pkg/a_test.go",
  "@@ -1 +1,2 @@",
  " context",
  "+test",
  "",
].join("\n");

describe("patch size", () => {
  it("counts the added and removed lines of hunks, not the header's or the file headers'", () => {
    expect(patchSizeOf([patch])).toEqual({ files: 1, added: 2, removed: 1, testOnly: 3 });
  });

  it("adds up the patches a variant applies", () => {
    expect(patchSizeOf([patch, patch])).toEqual({ files: 1, added: 4, removed: 2, testOnly: 6 });
  });

  it("reads each variant's patches; baseline has none", () => {
    expect(patchSize("baseline")).toEqual({ patches: [], files: 0, added: 0, removed: 0, testOnly: 0 });
    for (const v of containerdVariants.filter((v) => v.name !== "baseline")) expect(patchSize(v.name).added).toBeGreaterThan(0);
    const both = patchSize("keep-task-release-name");
    const parts = [patchSize("keep-task-until-stored"), patchSize("release-name-on-cancel")];
    expect(both.patches).toEqual(["keep-task-until-stored.patch", "release-name-on-cancel.patch"]);
    expect(both.added).toBe(parts[0]!.added + parts[1]!.added);
  });
});
