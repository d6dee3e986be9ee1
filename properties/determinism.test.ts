// The model is a pure function: the same events give the same world, and a world is plain
// data that survives JSON (so a run can be saved, diffed and resumed).
import { describe, expect, it } from "vitest";
import { step } from "../model/step.ts";
import { replay } from "./replay.ts";
import { loadTrace, traceConfig, traceFiles } from "./trace-files.ts";

const traces = traceFiles(new URL("../traces", import.meta.url).pathname).map(loadTrace);

describe.each(traces.map((t) => [t.name, t] as const))("%s", (_name, trace) => {
  const config = traceConfig(trace);

  it("gives deep-equal worlds, ledgers and observations when replayed twice", () => {
    const a = replay(trace.events, config);
    const b = replay(trace.events, config);
    expect(b.world).toEqual(a.world);
    expect(b.ledger).toEqual(a.ledger);
    expect(b.observation).toEqual(a.observation);
    expect(b.timeline).toEqual(a.timeline);
  });

  it("gives the same world with logging off", () => {
    expect(replay(trace.events, config, { log: false }).world).toEqual(replay(trace.events, config).world);
  });

  it("has worlds that survive a JSON round trip and step on identically", () => {
    const half = replay(trace.events.slice(0, Math.ceil(trace.events.length / 2)), config).world;
    const copy = JSON.parse(JSON.stringify(half));
    expect(copy).toEqual(half);
    for (const event of trace.events.slice(Math.ceil(trace.events.length / 2))) {
      expect(step(copy, event, config).world).toEqual(step(half, event, config).world);
    }
  });

  it("never mutates the world it is given", () => {
    const before = replay(trace.events.slice(0, -1), config).world;
    const snapshot = structuredClone(before);
    step(before, trace.events.at(-1)!, config);
    expect(before).toEqual(snapshot);
  });
});
