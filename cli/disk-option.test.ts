// --disk through the program's own entry: it picks the layout a trace runs on, wins over the
// trace's own "disk", and an unknown layout is refused with exit 2 and one line.
import { describe, expect, it } from "vitest";
import { runProgram } from "./program.ts";
import { captureOutput } from "./captured-output.ts";
import type { Observation } from "../model/observation.ts";

const traces = new URL("../traces/", import.meta.url).pathname;
const { stdout, stderr, clear } = captureOutput();

async function replay(...args: string[]): Promise<{ code: number; observation: Observation | null }> {
  const code = await runProgram(["node", "restart-sim", "replay", ...args, "--json"]);
  return { code, observation: stdout.length > 0 ? (JSON.parse(stdout.join("\n")) as Observation) : null };
}

describe("replay --disk", () => {
  it("runs a split trace on the shared layout: the exit on a full disk is stored at once", async () => {
    const split = await replay(`${traces}exit-on-full-disk.json`);
    expect(split.observation?.containers[0]?.state).toBe("CONTAINER_RUNNING");
    clear();
    const shared = await replay(`${traces}exit-on-full-disk.json`, "--disk", "shared");
    expect(shared.observation?.containers[0]).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 2 });
  });

  it("takes the trace's own layout, and the flag wins over it", async () => {
    const own = await replay(`${traces}shared-recovery-frees-as-it-goes.json`);
    expect(own.observation?.containers.map((c) => c.visible)).toEqual([true, true]);
    clear();
    const split = await replay(`${traces}shared-recovery-frees-as-it-goes.json`, "--disk", "split");
    expect(split.observation?.containers.map((c) => c.visible)).toEqual([false, false]);
  });

  it("refuses an unknown layout with exit 2 and one line naming the option", async () => {
    const { code } = await replay(`${traces}exit-on-full-disk.json`, "--disk", "single");
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr.join("")).toMatch(/^restart-sim: --disk: unknown layout "single"; one of split, shared\n?$/);
  });
});
