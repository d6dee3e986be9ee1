// The verdict table covers exactly the variants under review, and each containerd variant's
// row is asserted by its own test file. The compiler already refuses a row missing from the
// typed table; this also catches what it cannot see: a cell lost behind a cast, a row for a
// variant that is gone, and a variant whose verdicts no test file runs.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { containerdVariants } from "../model/variants/containerd.ts";
import { kubeletVariants } from "../model/variants/kubelet.ts";
import { properties } from "./invariants.ts";
import { diskLayouts } from "../model/disk.ts";
import { releaseNames, type ContainerdReleaseName } from "../model/releases.ts";
import { expectedCell, expectedVerdicts, releaseDifferences, sharedLayoutDifferences } from "./verdicts.ts";

const containerdNames = containerdVariants.map((v) => v.name);
const kubeletNames = kubeletVariants.map((v) => v.name);
const here = new URL(".", import.meta.url).pathname;

describe("the verdict table", () => {
  it("has one row per containerd variant, and no other", () => {
    expect(Object.keys(expectedVerdicts).sort()).toEqual([...containerdNames].sort());
  });

  it.each(containerdNames)("%s: every property has one cell, or one per kubelet variant", (containerd) => {
    const row = expectedVerdicts[containerd];
    expect(Object.keys(row).sort()).toEqual([...properties].sort());
    for (const property of properties) {
      const cell = row[property];
      if (!("verdict" in cell)) expect(Object.keys(cell).sort(), `${containerd} ${property}`).toEqual([...kubeletNames].sort());
      for (const kubelet of kubeletNames) {
        const { verdict, why } = expectedCell(containerd, kubelet, property);
        expect(["holds", "violated"], `${containerd}/${kubelet} ${property}`).toContain(verdict);
        expect(why, `${containerd}/${kubelet} ${property}`).not.toBe("");
      }
    }
  });
});

describe("the shared layout's cells", () => {
  const listed = Object.entries(sharedLayoutDifferences).flatMap(([containerd, row]) =>
    Object.keys(row ?? {}).map((property) => [containerd as (typeof containerdNames)[number], property as (typeof properties)[number]] as const),
  );

  // In its verdict, or only in its reason: the split layout's exit-code-preserved is violated
  // too since failures inside a call (a failing shim), the shared layout's through a shorter
  // route that needs none.
  it("are listed only where they differ from the split layout's in verdict or reason, each with its reason", () => {
    expect(listed.length).toBeGreaterThan(0);
    for (const [containerd, property] of listed) {
      for (const kubelet of kubeletNames) {
        const shared = expectedCell(containerd, kubelet, property, "shared");
        expect(shared, `${containerd}/${kubelet} ${property}`).not.toEqual(expectedCell(containerd, kubelet, property));
        expect(shared.why).not.toBe("");
      }
    }
  });

  it("are the split layout's everywhere else", () => {
    for (const containerd of containerdNames) {
      for (const property of properties) {
        if (listed.some(([c, p]) => c === containerd && p === property)) continue;
        for (const kubelet of kubeletNames) expect(expectedCell(containerd, kubelet, property, "shared")).toEqual(expectedCell(containerd, kubelet, property));
      }
    }
  });
});

describe("a release's cells", () => {
  const listed = (Object.entries(releaseDifferences) as [ContainerdReleaseName, NonNullable<(typeof releaseDifferences)[ContainerdReleaseName]>][]).flatMap(([release, layouts]) =>
    diskLayouts.flatMap((disk) =>
      Object.entries(layouts[disk]).flatMap(([containerd, row]) =>
        Object.keys(row ?? {}).map((property) => [release, disk, containerd as (typeof containerdNames)[number], property as (typeof properties)[number]] as const),
      ),
    ),
  );

  it("are listed for a release other than 1.6, each differing from 1.6's cell in its verdict or its reason", () => {
    expect(listed.length).toBeGreaterThan(0);
    expect(releaseDifferences["1.6"]).toBeUndefined();
    for (const [release, disk, containerd, property] of listed) {
      for (const kubelet of kubeletNames) {
        const on = expectedCell(containerd, kubelet, property, disk, release);
        expect(on, `${release} ${disk} ${containerd}/${kubelet} ${property}`).not.toEqual(expectedCell(containerd, kubelet, property, disk));
        expect(on.why).not.toBe("");
      }
    }
  });

  it("are 1.6's everywhere else", () => {
    for (const release of releaseNames) {
      for (const disk of diskLayouts) {
        for (const containerd of containerdNames) {
          for (const property of properties) {
            if (listed.some(([r, d, c, p]) => r === release && d === disk && c === containerd && p === property)) continue;
            for (const kubelet of kubeletNames) expect(expectedCell(containerd, kubelet, property, disk, release)).toEqual(expectedCell(containerd, kubelet, property, disk));
          }
        }
      }
    }
  });
});

describe("the verdict test files", () => {
  const files = readdirSync(here).filter((f) => /^verdicts-.+\.test\.ts$/.test(f));

  it.each(containerdNames)("%s has its own verdicts-<variant>.test.ts, which runs its row", (containerd) => {
    const file = `verdicts-${containerd}.test.ts`;
    expect(files).toContain(file);
    expect(readFileSync(`${here}${file}`, "utf8")).toContain(`describeVerdicts(${JSON.stringify(containerd)});`);
  });

  it("are all for a variant under review", () => {
    expect(files.filter((f) => !containerdNames.some((name) => f === `verdicts-${name}.test.ts`))).toEqual([]);
  });
});
