// A StopContainer that waits for its container to stop (container_stop.go:waitContainerStop)
// lets time pass until its caller's deadline, and the exit back-off retries meanwhile.
import { describe, expect, it } from "vitest";
import { configOrThrow } from "../model/config.ts";
import type { Event } from "../model/events.ts";
import { replay } from "./replay.ts";

const running: Event[] = [
  { type: "cri.runPodSandbox", pod: "p", id: "sb", attempt: 0 },
  { type: "cri.createContainer", id: "A", sandbox: "sb", name: "a", attempt: 0 },
  { type: "cri.startContainer", id: "A" },
];
const baseline = configOrThrow("baseline/99748");

describe("StopContainer waiting for the exit to be stored", () => {
  it("on a full disk: fails at its 120 s deadline, by which the back-off's retries (1, 2 ... 64 s) have pushed the next one to 127 s", () => {
    const r = replay([...running, { type: "disk.fill" }, { type: "cri.stopContainer", id: "A" }], baseline);
    expect(r.observation.calls.at(-1)).toMatchObject({ ok: false });
    expect(r.world.clock.seconds).toBe(120);
    expect(r.world.cri.backoff).toMatchObject([{ id: "A", due: 127, delay: 64 }]);
  });

  it("after a task delete that failed once: the back-off's first retry stores the exit 1 s later and the stop returns then", () => {
    const r = replay([...running, { type: "shim.fail", op: "delete" }, { type: "cri.stopContainer", id: "A" }], baseline);
    expect(r.observation.calls.at(-1)).toMatchObject({ ok: true });
    expect(r.observation.containers[0]).toMatchObject({ state: "CONTAINER_EXITED", exitCode: 137 });
    expect(r.world.clock.seconds).toBe(1);
  });
});
