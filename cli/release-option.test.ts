// --containerd through the program's own entry: it picks the release a trace runs on, wins
// over the trace's own "containerd", and an unknown release is refused with exit 2 and one line.
import { describe, expect, it } from "vitest";
import { runProgram } from "./program.ts";
import { captureOutput } from "./captured-output.ts";
import type { Observation } from "../model/observation.ts";

const traces = new URL("../traces/", import.meta.url).pathname;
const { stdout, stderr } = captureOutput();

async function replay(...args: string[]): Promise<{ code: number; observation: Observation | null }> {
  const code = await runProgram(["node", "restart-sim", "replay", ...args, "--json"]);
  const observation = stdout.length > 0 ? (JSON.parse(stdout.join("\n")) as Observation) : null;
  stdout.length = 0;
  return { code, observation };
}

const exitCodeOf = (o: Observation | null, id: string) => o?.containers.find((c) => c.id === id)?.exitCode;

describe("replay --containerd", () => {
  it("runs a trace on 1.7: an exit while containerd is down is lost as 255 (1.6 keeps 3)", async () => {
    expect(exitCodeOf((await replay(`${traces}exit-while-down.json`)).observation, "A")).toBe(3);
    expect(exitCodeOf((await replay(`${traces}exit-while-down.json`, "--containerd", "1.7")).observation, "A")).toBe(255);
  });

  it("takes the trace's own release, and the flag wins over it", async () => {
    expect(exitCodeOf((await replay(`${traces}keep-task-exit-lost-on-1.7.json`)).observation, "p:c#2")).toBe(255);
    expect(exitCodeOf((await replay(`${traces}keep-task-exit-lost-on-1.7.json`, "--containerd", "1.6")).observation, "p:c#2")).toBe(3);
  });

  it("refuses an unknown release with exit 2 and one line naming the option", async () => {
    const { code } = await replay(`${traces}exit-while-down.json`, "--containerd", "2.0");
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr.join("")).toMatch(/^restart-sim: --containerd: unknown release "2.0"; one of 1.6, 1.7\n?$/);
  });
});
