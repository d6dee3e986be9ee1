// Which patches make a containerd variant out of Debian's 1.6.20 tree, or trixie's 1.7.24. A
// variant's patch is conformance/patches/<variant>.patch, its port to 1.7
// conformance/patches/1.7/<variant>.patch; baseline is the tree as Debian ships it. A variant
// that the model composes from two others (keep-task-release-name = keep-task-until-stored
// + release-name-on-cancel, model/variants/containerd.ts) is built from their two patches.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { containerdVariants } from "../../model/variants/containerd.ts";
import type { Release } from "../containerd-1.7.ts";

export interface Patch {
  name: string;
  path: string;
}

const dir = fileURLToPath(new URL("../patches/", import.meta.url));
/** Where each release's patches are: the 1.7 ports sit in a dir of their own. */
const dirOf: Readonly<Record<Release, string>> = { "1.6": dir, "1.7": `${dir}1.7/` };

const composed: Readonly<Record<string, readonly string[]>> = {
  "keep-task-release-name": ["keep-task-until-stored", "release-name-on-cancel"],
  "preallocated-status-release-name": ["preallocated-status", "release-name-on-cancel"],
};

/**
 * TEST-ONLY hooks (hold a CRI call at a named point), applied to every build after the
 * variant's own patches, baseline-from-source included; never part of a variant's fix.
 */
export const testHooksPatch: Patch = { name: "test-hooks.patch", path: `${dir}test-hooks.patch` };

export function variantNames(): string[] {
  return containerdVariants.map((v) => v.name);
}

/** The patches for `variant` on `release`, in the order they apply; throws for an unknown variant or a missing patch. */
export function patchesFor(variant: string, release: Release = "1.6"): Patch[] {
  if (!variantNames().includes(variant)) throw new Error(`unknown containerd variant ${JSON.stringify(variant)} (known: ${variantNames().join(", ")})`);
  if (variant === "baseline") return [];
  return (composed[variant] ?? [variant]).map((name) => {
    const path = `${dirOf[release]}${name}.patch`;
    if (!existsSync(path)) throw new Error(`no patch for containerd variant ${variant} on ${release}: ${path} is missing`);
    return { name: `${name}.patch`, path };
  });
}
