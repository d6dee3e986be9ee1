// The bug traces, observation field by field on baseline: what the real containerd does.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTrace, type Trace } from "../model/trace.ts";
import { configOrThrow } from "../model/config.ts";
import { replay } from "./replay.ts";

function load(name: string): Trace {
  const parsed = parseTrace(readFileSync(new URL(`../traces/${name}.json`, import.meta.url), "utf8"));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.trace;
}

function run(name: string, config?: string) {
  const trace = load(name);
  return replay(trace.events, configOrThrow(config ?? trace.config ?? "baseline/99748"));
}

const reserveError = (id: string) =>
  `failed to recover state: failed to reserve container name "c_p_default_uid-p_0": name "c_p_default_uid-p_0" is reserved for "${id}"`;

describe("issue-7247 (reference 8.1 variant A) on baseline/pre-99748", () => {
  const { observation: o } = run("issue-7247");

  it("ends with containerd failed and the real fatal error", () => {
    expect(o.containerd).toBe("failed");
    expect(o.error).toBe(reserveError("p:c#2"));
  });

  it("leaves both copies of c running, invisible, under the same attempt", () => {
    expect(o.containers).toEqual([
      { id: "p:c#2", name: "c", attempt: 0, visible: false, state: null, exitCode: null, process: "running" },
      { id: "p:c#3", name: "c", attempt: 0, visible: false, state: null, exitCode: null, process: "running" },
    ]);
    expect(o.sandboxes).toEqual([{ id: "p#1", visible: false, state: null }]);
  });

  it("reports each property at the event that breaks it", () => {
    expect(o.violations.map((v) => [v.property, v.event])).toEqual([
      ["no-invisible-container", 4],
      ["no-duplicate-running", 6],
      ["names-unique", 6],
      ["recovery-succeeds", 8],
    ]);
  });

  it("with kubelet #99748 the re-created c takes attempt 1 (0.log exists): a duplicate, no fatal", () => {
    const { observation } = run("issue-7247", "baseline/99748");
    expect(observation.containerd).toBe("up");
    expect(observation.containers.map((c) => [c.attempt, c.visible, c.state, c.process])).toEqual([
      [0, true, "CONTAINER_RUNNING", "running"],
      [1, true, "CONTAINER_RUNNING", "running"],
    ]);
    expect(observation.violations.map((v) => v.property)).toContain("no-duplicate-running");
  });
});

describe("issue-11504-test-plan on baseline", () => {
  const { observation: o } = run("issue-11504-test-plan");

  it("hides A, B and C after the restart on a full disk, while B's process still runs", () => {
    expect(o.containerd).toBe("up");
    expect(o.error).toBeNull();
    expect(o.containers).toEqual([
      { id: "A", name: "a", attempt: 0, visible: false, state: null, exitCode: null, process: "none" },
      { id: "B", name: "b", attempt: 0, visible: false, state: null, exitCode: null, process: "running" },
      { id: "C", name: "c", attempt: 0, visible: false, state: null, exitCode: null, process: "exited" },
    ]);
  });

  it("keeps the sandbox visible and READY: sandbox status is never checkpointed", () => {
    expect(o.sandboxes).toEqual([{ id: "sb", visible: true, state: "SANDBOX_READY" }]);
  });

  it("succeeds at every CRI call before the restart", () => {
    expect(o.calls.every((c) => c.ok)).toBe(true);
    expect(o.calls).toHaveLength(6);
  });

  it("flags the three invisible containers at the restart", () => {
    expect(o.violations.map((v) => [v.property, v.event, v.message.split(" ")[1]])).toEqual([
      ["no-invisible-container", 9, "A"],
      ["no-invisible-container", 9, "B"],
      ["no-invisible-container", 9, "C"],
    ]);
  });
});

describe("duplicate-running (reference 8.2) on baseline/99748", () => {
  const { observation: o, world } = run("duplicate-running");

  it("fails the create while the disk is full, then starts attempt 1 beside the invisible attempt 0", () => {
    const creates = o.calls;
    expect(creates).toEqual([]);
    expect(o.containers.map((c) => [c.id, c.attempt, c.state, c.process])).toEqual([
      ["p:c#2", 0, "CONTAINER_RUNNING", "running"],
      ["p:c#4", 1, "CONTAINER_RUNNING", "running"],
    ]);
  });

  it("keeps both running after a clean restart: the kubelet ignores the older one", () => {
    expect(o.containerd).toBe("up");
    expect(Object.values(world.shim.processes).filter((p) => p.state === "running")).toHaveLength(2);
    expect(o.violations.map((v) => [v.property, v.event])).toEqual([
      ["no-invisible-container", 4],
      ["no-duplicate-running", 7],
    ]);
  });
});

describe("issue-7247-nearly-full-disk (reference 8.1 variant C): #99748 does not prevent #7247", () => {
  const { observation: o } = run("issue-7247-nearly-full-disk");

  it("ends with the fatal on attempt 1's name", () => {
    expect(o.containerd).toBe("failed");
    expect(o.error).toBe(
      'failed to recover state: failed to reserve container name "c_p_default_uid-p_1": name "c_p_default_uid-p_1" is reserved for "p:c#3"',
    );
    expect(o.containers.map((c) => [c.id, c.attempt, c.process])).toEqual([
      ["p:c#2", 0, "exited"],
      ["p:c#3", 1, "running"],
      ["p:c#4", 1, "running"],
    ]);
  });
});

describe("log-dir-max: the kubelet-only guard against #7247, and where it stops", () => {
  it("guards a hidden container that ran: on issue-7247-nearly-full-disk the new c takes attempt 2 (1.log exists), no fatal", () => {
    const { observation } = run("issue-7247-nearly-full-disk", "baseline/log-dir-max");
    expect(observation.containerd).toBe("up");
    expect(observation.containers.map((c) => [c.id, c.attempt])).toEqual([
      ["p:c#2", 0],
      ["p:c#3", 1],
      ["p:c#4", 2],
    ]);
    expect(observation.violations.map((v) => v.property)).not.toContain("names-unique");
  });

  it("cannot guard a hidden container that never started (no N.log): log-dir-max-never-started ends in #7247", () => {
    const { observation: o } = run("log-dir-max-never-started");
    expect(o.containerd).toBe("failed");
    expect(o.error).toBe(
      'failed to recover state: failed to reserve container name "c_p_default_uid-p_1": name "c_p_default_uid-p_1" is reserved for "p:c#3"',
    );
    expect(o.containers.map((c) => [c.id, c.attempt, c.process])).toEqual([
      ["p:c#2", 0, "exited"],
      ["p:c#3", 1, "none"],
      ["p:c#4", 1, "running"],
    ]);
  });
});

describe("exit-code-lost-at-second-restart: the risk of the short-term fix", () => {
  const codeOfC = (config: string) => run("exit-code-lost-at-second-restart", config).observation.containers[0];

  it("reports c EXITED 0 after the first restart, then 255 after the second, on short-term", () => {
    const { observation } = run("exit-code-lost-at-second-restart");
    expect(observation.containers[0]).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 255, process: "exited" });
    expect(observation.violations).toEqual([
      { property: "exit-code-preserved", event: 8, message: "container p:c#2 was reported exited with code 0, now with 255: the exit code was lost" },
    ]);
  });

  it("loses the code the same way on enospc-everywhere", () => {
    expect(codeOfC("enospc-everywhere/99748")).toMatchObject({ exitCode: 255 });
  });

  it("keeps it on long-term: recovery deletes the stopped task first, and the record update takes the block it freed (as long-term's daemon does)", () => {
    expect(codeOfC("long-term/99748")).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 0 });
  });

  it("loses it on baseline too, but never reported it (the container was skipped), so 255 Unknown is honest", () => {
    const { observation } = run("exit-code-lost-at-second-restart", "baseline/99748");
    expect(observation.containers[0]).toMatchObject({ exitCode: 255 });
    expect(observation.violations.map((v) => v.property)).toEqual(["no-invisible-container"]);
  });

  it("keeps the real code on keep-task-until-stored: the stopped task is held until the exit is stored", () => {
    const { observation } = run("exit-code-lost-at-second-restart", "keep-task-until-stored/99748");
    expect(observation.containers[0]).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 0, process: "exited" });
    expect(observation.violations).toEqual([]);
  });
});

describe("start-failure-forgotten: the state-regression risk of 7d1bc2355", () => {
  it("reports c EXITED 128 in memory, then CREATED after a restart, on enospc-everywhere", () => {
    const { observation } = run("start-failure-forgotten");
    expect(observation.containers[0]).toMatchObject({ state: "CONTAINER_CREATED", process: "none" });
    expect(observation.violations.map((v) => [v.property, v.event])).toEqual([["no-state-regression", 5]]);
  });

  it("keeps c CREATED throughout on baseline, where memory and checkpoint fail together", () => {
    const { observation } = run("start-failure-forgotten", "baseline/99748");
    expect(observation.containers[0]).toMatchObject({ state: "CONTAINER_CREATED" });
    expect(observation.violations).toEqual([]);
  });
});

describe("issue-4604-slow-create: a create that outlives the kubelet's deadline", () => {
  it("refuses the kubelet's retries with \"name is reserved\" on baseline, then leaves attempt 1 orphaned", () => {
    const { observation: o } = run("issue-4604-slow-create");
    expect(o.violations.map((v) => [v.property, v.event])).toEqual([["no-stuck-name", 6]]);
    expect(o.containers.map((c) => [c.id, c.attempt, c.state, c.process])).toEqual([
      ["p:c#2", 0, null, "exited"],
      ["p:c#3", 1, "CONTAINER_CREATED", "none"],
      ["p:c#6", 2, "CONTAINER_RUNNING", "running"],
    ]);
  });

  it.each(["join-in-flight-create/99748", "release-name-on-cancel/99748", "baseline/bump-on-deadline", "keep-task-release-name/99748"])(
    "lets the kubelet through without a refusal on %s",
    (config) => {
      const { observation: o } = run("issue-4604-slow-create", config);
      expect(o.violations).toEqual([]);
      expect(o.containers.filter((c) => c.process === "running")).toHaveLength(1);
    },
  );
});

describe("hung-create-until-restart: a create that never returns", () => {
  it("keeps c from running until containerd restarts, on baseline", () => {
    const { observation: o, timeline } = run("hung-create-until-restart");
    expect(o.violations.map((v) => [v.property, v.event])).toEqual([["no-stuck-name", 6]]);
    const refusals = timeline.flatMap((t) => t.log).filter((l) => l.text.includes('is reserved for "p:c#3"') && l.to === "kubelet");
    expect(refusals).toHaveLength(2);
    expect(o.containers.map((c) => [c.attempt, c.process])).toEqual([
      [0, "exited"],
      [1, "running"],
    ]);
  });

  it("runs c before the restart when the name is released on the kubelet's cancel", () => {
    const { timeline } = run("hung-create-until-restart", "release-name-on-cancel/99748");
    const beforeRestart = timeline.slice(0, 10).flatMap((t) => t.log);
    expect(beforeRestart.some((l) => l.text.startsWith("StartContainer") && l.text.endsWith(": ok"))).toBe(true);
  });
});

describe("pod-delete: the kubelet kills a deleted pod, then GC removes it", () => {
  it("leaves nothing visible and no process running", () => {
    const { observation: o } = run("pod-delete");
    expect(o.containers.map((c) => [c.id, c.visible, c.process])).toEqual([
      ["p:c#2", false, "exited"],
      ["p:d#3", false, "exited"],
    ]);
    expect(o.sandboxes).toEqual([{ id: "p#1", visible: false, state: null }]);
    expect(o.violations).toEqual([]);
  });

  it("kills before it removes: after the sync the containers are EXITED 137 and the sandbox NOTREADY", () => {
    const trace = load("pod-delete");
    const { observation: o } = replay(trace.events.slice(0, 4), configOrThrow("baseline/99748"));
    expect(o.containers.map((c) => [c.state, c.exitCode])).toEqual([
      ["CONTAINER_EXITED", 137],
      ["CONTAINER_EXITED", 137],
    ]);
    expect(o.sandboxes[0]?.state).toBe("SANDBOX_NOTREADY");
  });
});
