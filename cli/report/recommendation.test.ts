// The review's recommendation is backed by the verdict table: every cell of the recommended
// variant holds, for every kubelet variant, on both layouts and on every release; and each fix
// it is compared with violates at least one property there.
import { describe, expect, it } from "vitest";
import { kubeletVariants } from "../../model/variants/kubelet.ts";
import { diskLayouts } from "../../model/disk.ts";
import { releaseNames } from "../../model/releases.ts";
import { properties } from "../../properties/invariants.ts";
import { expectedCell } from "../../properties/verdicts.ts";
import { recommendation } from "./recommendation.ts";

const cells = (variant: Parameters<typeof expectedCell>[0]) =>
  releaseNames.flatMap((release) => diskLayouts.flatMap((disk) => kubeletVariants.flatMap((k) => properties.map((p) => expectedCell(variant, k.name, p, disk, release)))));

describe("the recommendation", () => {
  it("holds every property with every kubelet, on both layouts and every release, in the verdict table", () => {
    expect(cells(recommendation.variant).filter((c) => c.verdict !== "holds")).toEqual([]);
  });

  it.each(recommendation.comparedWith)("is compared with %s, which violates a property", (variant) => {
    expect(cells(variant).some((c) => c.verdict === "violated")).toBe(true);
  });
});
