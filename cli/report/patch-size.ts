// How much code a containerd variant asks maintainers to take: the lines its patches add and
// remove (conformance/patches/, as conformance/build/patches.ts applies them), without the
// hunks that exist only for the harness. A hunk is test-only when it is in a _test.go file or
// one of its added lines carries the marker `restart-sim: test-only` (conformance/patches/README.md).
import { readFileSync } from "node:fs";
import { patchesFor } from "../../conformance/build/patches.ts";

export interface PatchSize {
  /** The patch files, in the order they apply (none for baseline). */
  patches: string[];
  /** Files the counted hunks change. */
  files: number;
  added: number;
  removed: number;
  /** Lines of test-only hunks, left out of added and removed. */
  testOnly: number;
}

export const testOnlyMarker = "restart-sim: test-only";

interface Hunk {
  file: string;
  lines: string[];
}

/** The hunks of a unified diff (`diff --git` sections, `@@` hunks); the header before the first diff is prose. */
export function hunks(patch: string): Hunk[] {
  const found: Hunk[] = [];
  let file = "";
  let current: Hunk | null = null;
  for (const line of patch.split("\n")) {
    if (line.startsWith("diff --git ")) {
      file = line.split(" b/")[1] ?? line;
      current = null;
    } else if (line.startsWith("@@")) {
      current = { file, lines: [] };
      found.push(current);
    } else if (current && /^[-+ \\]/.test(line)) current.lines.push(line);
  }
  return found;
}

const isTestOnly = (h: Hunk) => h.file.endsWith("_test.go") || h.lines.some((l) => l.startsWith("+") && l.includes(testOnlyMarker));

export function patchSizeOf(texts: readonly string[]): Omit<PatchSize, "patches"> {
  const all = texts.flatMap(hunks);
  const counted = all.filter((h) => !isTestOnly(h));
  const changed = (h: Hunk) => h.lines.filter((l) => l.startsWith("+") || l.startsWith("-")).length;
  return {
    files: new Set(counted.map((h) => h.file)).size,
    added: counted.reduce((n, h) => n + h.lines.filter((l) => l.startsWith("+")).length, 0),
    removed: counted.reduce((n, h) => n + h.lines.filter((l) => l.startsWith("-")).length, 0),
    testOnly: all.filter(isTestOnly).reduce((n, h) => n + changed(h), 0),
  };
}

/** The variant's patches read from conformance/patches/. */
export function patchSize(variant: string): PatchSize {
  const patches = patchesFor(variant);
  return { patches: patches.map((p) => p.name), ...patchSizeOf(patches.map((p) => readFileSync(p.path, "utf8"))) };
}
