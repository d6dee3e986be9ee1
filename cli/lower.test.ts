// restart-sim lower through the program's own entry: the lowered trace on stdout or in --out,
// a summary and the events the daemon cannot run on stderr, bad input refused with one line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runProgram } from "./program.ts";
import { captureOutput } from "./captured-output.ts";
import { parseTrace } from "../model/trace.ts";
import { configOrThrow } from "../model/config.ts";
import { lowerTrace } from "../properties/lower.ts";
import { loadTrace } from "../properties/trace-files.ts";

const dir = mkdtempSync(join(tmpdir(), "restart-sim-lower-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

const { stdout, stderr, clear } = captureOutput();

async function lower(...args: string[]): Promise<number> {
  try {
    return await runProgram(["node", "restart-sim", "lower", ...args]);
  } finally {
    process.exitCode = undefined;
  }
}

const issue7247 = "traces/issue-7247.json";
const expected = lowerTrace(loadTrace(issue7247), configOrThrow("baseline/pre-99748"), issue7247).trace;

describe("restart-sim lower", () => {
  it("prints the lowered trace as JSON, with or without --json, and a summary on stderr", async () => {
    expect(await lower(issue7247, "--config", "baseline/pre-99748")).toBe(0);
    const printed = stdout.join("\n");
    expect(JSON.parse(printed)).toEqual(expected);
    expect(stderr).toEqual([`${issue7247} under baseline/pre-99748: 9 events -> 11, 5 of them the kubelet's CRI calls`]);
    clear();
    expect(await lower(issue7247, "--config", "baseline/pre-99748", "--json")).toBe(0);
    expect(stdout.join("\n")).toBe(printed);
  });

  it("takes the trace's own config by default, and writes --out as a trace the loader accepts", async () => {
    const out = join(dir, "lowered.json");
    expect(await lower(issue7247, "--out", out)).toBe(0);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([`${issue7247} under baseline/pre-99748: 9 events -> 11, 5 of them the kubelet's CRI calls; written to ${out}`]);
    const parsed = parseTrace(readFileSync(out, "utf8"));
    expect(parsed).toEqual({ ok: true, trace: expected });
  });

  it("lowers under --disk, and the lowered trace names the layout", async () => {
    expect(await lower(issue7247, "--disk", "shared")).toBe(0);
    expect(JSON.parse(stdout.join("\n"))).toMatchObject({ config: "baseline/pre-99748", disk: "shared" });
    expect(stderr[0]).toMatch(/^traces\/issue-7247\.json under baseline\/pre-99748, disk shared: 9 events -> /);
  });

  it("leaves a nearly full disk to the daemon: disk.room runs there (conformance/disk-room.ts), so no event is named", async () => {
    expect(await lower("traces/issue-7247-nearly-full-disk.json", "--out", join(dir, "nearly-full.json"))).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "nearly-full.json"), "utf8")).events.map((e: { type: string }) => e.type)).toContain("disk.room");
    expect(stderr.slice(1)).toEqual([]);
  });

  it("leaves slow calls to the daemon: storage.hang and storage.resume run there (test-hooks.patch)", async () => {
    expect(await lower("traces/issue-4604-slow-create.json", "--out", join(dir, "slow.json"))).toBe(0);
    expect(stderr.slice(1)).toEqual([]);
  });

  it.each([
    [["traces/no-such-trace.json"], /^restart-sim: traces\/no-such-trace\.json: cannot read: ENOENT$/],
    [[issue7247, "--config", "baseline/nope"], /^restart-sim: --config: unknown configuration "baseline\/nope"/],
    [[issue7247, "--disk", "both"], /^restart-sim: --disk: unknown layout "both"/],
    [[issue7247, "--out", join(dir, "missing-dir", "x.json")], /^restart-sim: --out: cannot write .*missing-dir\/x\.json: ENOENT$/],
  ])("refuses bad input %j with exit 2 and one line naming it", async (args, line) => {
    expect(await lower(...args)).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(line);
  });

  it("refuses a file that is not a trace, naming the file and the event", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ name: "x", description: "", events: [{ type: "kubelet.sync", pod: "p" }] }));
    expect(await lower(bad)).toBe(2);
    expect(stderr).toEqual([`restart-sim: ${bad}: event 0 (kubelet.sync): field "pod": pod "p" was never added by an earlier pod.add`]);
  });

  it("has --help", async () => {
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    expect(await lower("--help")).toBe(0);
    expect(write.mock.calls.map((c) => String(c[0])).join("")).toMatch(/Usage: restart-sim lower \[options\] <trace>/);
    write.mockRestore();
  });
});
