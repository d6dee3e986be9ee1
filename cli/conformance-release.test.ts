// restart-sim conformance's choice of daemon through the program's own entry: a variant on
// containerd 1.7 must have its port under conformance/patches/1.7/, else bad input, refused
// with one line before anything runs (no root needed to reach it).
import { describe, expect, it } from "vitest";
import { runProgram } from "./program.ts";
import { captureOutput } from "./captured-output.ts";

const { stdout, stderr } = captureOutput();

async function conformance(...args: string[]): Promise<number> {
  try {
    return await runProgram(["node", "restart-sim", "conformance", "traces/exit-while-down.json", ...args]);
  } finally {
    process.exitCode = undefined;
  }
}

describe("restart-sim conformance --containerd --variant", () => {
  it.each([
    [["--containerd", "1.7", "--variant", "long-term"], /^restart-sim: --variant long-term: not ported to containerd 1\.7 \(no conformance\/patches\/1\.7\/ patch\); ported: baseline, .*short-term/],
    [["--containerd", "all", "--variant", "long-term"], /^restart-sim: --variant long-term: not ported to containerd 1\.7/],
    [["--containerd", "1.7", "--variant", "short-term,long-term"], /^restart-sim: --variant long-term: not ported to containerd 1\.7/],
    [["--containerd", "1.7", "--variant", "short-term,nope"], /^restart-sim: --variant: expected one of .* or all, got "nope"$/],
    [["--containerd", "1.7", "--variant", "nope"], /^restart-sim: --variant: expected one of .* or all, got "nope"$/],
    [["--containerd", "1.8"], /^restart-sim: --containerd: expected 1\.6, 1\.7 or all, got "1\.8"$/],
  ])("refuses %j with exit 2 and one line naming it", async (args, line) => {
    expect(await conformance(...args)).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(line);
  });
});
