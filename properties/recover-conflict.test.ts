// recover() meets a name conflict (#7247): containerd 1.6.20's loop stops there, 1.7's errgroup
// has started every load (pkg/cri/server/restart.go:recover on each release).
import { describe, expect, it } from "vitest";
import { configOrThrow } from "../model/config.ts";
import type { Event } from "../model/events.ts";
import { replay } from "./replay.ts";

/** A hidden by a restart on a full disk, A2 takes its name, C exits while containerd is down; the next restart loads A, A2, C. */
const conflictThenC = (parallel?: number): Event[] => [
  { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
  { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
  { type: "cri.startContainer", id: "A" },
  { type: "disk.fill" },
  { type: "containerd.stop" },
  { type: "containerd.start" },
  { type: "disk.free" },
  { type: "cri.createContainer", id: "A2", sandbox: "sb", name: "a", attempt: 0 },
  { type: "cri.createContainer", id: "C", sandbox: "sb", name: "c", attempt: 0 },
  { type: "cri.startContainer", id: "C" },
  { type: "containerd.stop" },
  { type: "process.exit", id: "C", code: 3 },
  { type: "containerd.start", order: ["A", "A2", "C"], ...(parallel ? { parallel } : {}) },
];

describe("a name conflict at recovery", () => {
  it("1.6.20, one load at a time: recovery fails at A2 and never loads C, whose stopped task (and exit code) stays in its shim", () => {
    const r = replay(conflictThenC(), configOrThrow("baseline/99748"));
    expect(r.observation.error).toContain('failed to reserve container name "a_p_default_uid-p_0": name "a_p_default_uid-p_0" is reserved for "A"');
    expect(r.world.shim.tasks["C"]).toMatchObject({ status: "stopped", exitCode: 3 });
  });

  it("an errgroup schedule (every load started): C is loaded, its stopped task deleted, before the conflict fails recovery", () => {
    const r = replay(conflictThenC(3), configOrThrow("baseline/99748"));
    expect(r.observation.error).toContain('failed to reserve container name "a_p_default_uid-p_0": name "a_p_default_uid-p_0" is reserved for "A"');
    expect(r.world.shim.tasks["C"]).toBeUndefined();
  });
});
