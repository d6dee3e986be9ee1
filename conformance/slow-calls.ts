// Slow calls on the real daemon (issue 11 item 4). Every CRI call a trace makes carries the
// kubelet's deadline as a real gRPC deadline, so containerd sees its context cancelled when
// the kubelet would give up; `storage.hang` makes create calls wait at the storage's slow
// step through the TEST-ONLY hooks of conformance/patches/test-hooks.patch (hold files in a
// directory the daemon gets in RESTART_SIM_TEST_HOLD_DIR), and `storage.resume` lets them go
// on ("finish") or keeps them held until containerd dies ("stuck").
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Event } from "../model/events.ts";
import type { World } from "../model/world.ts";
import { callDeadline } from "../model/kubelet/remote-runtime.ts";
import { logField } from "./daemon-log.ts";
import { poll, sleep } from "./exec.ts";

/** The daemon's environment variable naming the hold directory (test-hooks.patch). */
export const holdDirVariable = "RESTART_SIM_TEST_HOLD_DIR";

export function holdDirOf(base: string): string {
  return join(base, "test-hold");
}

/** Where storage.hang holds a call: inside NewContainer, before the rootfs snapshot (test-hooks.patch). */
export const storagePoints: Readonly<Record<string, string>> = {
  "cri.createContainer": "CreateContainer.before-snapshot",
  "cri.runPodSandbox": "RunPodSandbox.before-snapshot",
};

/**
 * The kubelet's deadline for the call a cri.* event makes, in model seconds:
 * remote_runtime.go gives RunPodSandbox twice runtime-request-timeout and every other call
 * runtime-request-timeout itself, which is the model's CreateContainer deadline
 * (model/kubelet/remote-runtime.ts; StopContainer adds its grace period, 0 here).
 */
export function kubeletDeadlineSeconds(type: string): number {
  const atZero = { clock: { seconds: 0 } } as unknown as World; // callDeadline reads only the clock
  return callDeadline(atZero, type === "cri.runPodSandbox" ? "runPodSandbox" : "createContainer");
}

/**
 * How many real milliseconds one model second takes. A trace with storage.hang runs 20 times
 * fast (50 ms): its gRPC deadlines (the kubelet's 120 s -> 6 s, RunPodSandbox's 240 s -> 12 s)
 * and its clock.tick waits (130 s -> 6.5 s) shrink alike, so each event happens on the same
 * side of every caller's deadline as in the model, which is all the daemon can tell of time
 * in such a trace (SlowCalls.check holds every run to it). A trace with disk events keeps real
 * seconds: containerd's exit back-off (1 s, doubling) and keep-task's 1 s status rewrite run
 * on real time there and cannot be scaled.
 */
export function msPerModelSecond(events: readonly Event[]): number {
  const slow = events.some((e) => e.type === "storage.hang");
  const disk = events.some((e) => e.type.startsWith("disk."));
  return slow && !disk ? 50 : 1000;
}

/** The hold files of one run's daemon. */
export class Holds {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Calls reaching `point` wait there; `only`: just the calls whose id or reserved name contains one of these. */
  hold(point: string, only: readonly string[] = []): void {
    const file = join(this.dir, `hold-${point}`);
    // Atomic: a held call polls the file, and must never see it missing.
    writeFileSync(`${file}.tmp`, only.map((s) => `${s}\n`).join(""));
    renameSync(`${file}.tmp`, file);
  }

  release(point: string): void {
    rmSync(join(this.dir, `hold-${point}`), { force: true });
  }

  /** The calls waiting at a point now (held-<point>-<id>). */
  held(): { point: string; id: string }[] {
    return readdirSync(this.dir).flatMap((f) => {
      const m = /^held-(.+)-([0-9a-f]{64})$/.exec(f);
      return m ? [{ point: m[1]!, id: m[2]! }] : [];
    });
  }

  /** containerd died: its held calls are gone with it. */
  forgetHeld(): void {
    for (const f of readdirSync(this.dir)) if (f.startsWith("held-")) rmSync(join(this.dir, f), { force: true });
  }
}

/** CreateContainer and RunPodSandbox calls the log shows begun and not ended (instrumented_service.go's lines). */
export function createCallsInProgress(log: string): number {
  let n = 0;
  for (const line of log.split("\n")) {
    const msg = logField(line, "msg") ?? "";
    const create = msg.startsWith("CreateContainer within sandbox ");
    const run = msg.startsWith("RunPodSandbox for ");
    if (!create && !run) continue;
    if (/ failed(, error)?$/.test(msg) || / returns (container|sandbox) id /.test(msg)) n--;
    else if (!create || msg.includes(" for container ")) n++;
  }
  return n;
}

/** The ids create calls returned, as the daemon logged them: a call whose caller had gone still shows here. */
export function createdIds(log: string): Set<string> {
  const ids = new Set<string>();
  for (const line of log.split("\n")) {
    const m = / returns (?:container|sandbox) id "([0-9a-f]{64})"/.exec(logField(line, "msg") ?? "");
    if (m) ids.add(m[1]!);
  }
  return ids;
}

interface Watched {
  index: number;
  issuedMs: number;
  /** Model second the call was made at, and its caller's deadline. */
  at: number;
  deadline: number;
  settled: boolean;
  done: Promise<void>;
}

/** How long a call made while the storage hangs may take to reach the hold before it counts as blocked elsewhere (a join). */
const quietMs = 300;

/** The slow-call side of one trace run: the model's clock, the deadlines, the hold files, the calls not returned yet. */
export class SlowCalls {
  readonly msPerSecond: number;
  private modelSeconds = 0;
  private readonly watched: Watched[] = [];

  constructor(
    private readonly holds: Holds,
    events: readonly Event[],
    private readonly log: (line: string) => void,
  ) {
    this.msPerSecond = msPerModelSecond(events);
  }

  /** The gRPC deadline of the call a cri.* event makes, in real ms. */
  deadlineMs(type: string): number {
    return kubeletDeadlineSeconds(type) * this.msPerSecond;
  }

  /** clock.tick: the real ms to wait. */
  tick(seconds: number): number {
    this.modelSeconds += seconds;
    return seconds * this.msPerSecond;
  }

  hang(): void {
    for (const point of Object.values(storagePoints)) this.holds.hold(point);
  }

  /**
   * Waits for a call until it returns, or (while create calls may be held) until it is held at
   * a point (returns the held call's id: the daemon made it, the caller does not know it yet)
   * or has been quiet for a moment (blocked elsewhere, e.g. joined to a held call). A call
   * that has not returned is watched: its result is recorded when it comes, and every later
   * event must see its deadline as passed exactly when the model does (check).
   */
  async issued(index: number, type: string, done: Promise<void>): Promise<string | undefined> {
    const point = storagePoints[type];
    const before = new Set(this.holds.held().map((h) => h.id));
    const w: Watched = { index, issuedMs: Date.now(), at: this.modelSeconds, deadline: this.modelSeconds + kubeletDeadlineSeconds(type), settled: false, done };
    void done.then(() => (w.settled = true));
    if (point === undefined || !this.holding(point)) {
      await done;
      return undefined;
    }
    const t0 = Date.now();
    const held = await poll(() => {
      if (w.settled) return { id: undefined };
      const h = this.holds.held().find((x) => x.point === point && !before.has(x.id));
      if (h) return { id: h.id };
      return Date.now() - t0 > quietMs ? { id: undefined } : undefined;
    }, 10_000, 10);
    if (!w.settled) {
      this.watched.push(w);
      this.log(held?.id ? `  held at ${point}: ${held.id}` : `  not returned after ${quietMs} ms (blocked before the hold point)`);
    }
    return held?.id;
  }

  private holding(point: string): boolean {
    try {
      readFileSync(join(this.holds.dir, `hold-${point}`));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * storage.resume. "finish": the hold files go, the held calls go on; waits until the daemon
   * has ended every create call it began except those still held, and gives the calls the
   * harness still waits on a moment to return. "stuck": the calls held now stay held (their
   * hold file names them), new calls go through.
   */
  async resume(waiting: "finish" | "stuck", daemonLog: () => string): Promise<void> {
    const released = new Set<string>();
    const stuck: string[] = [];
    for (const point of Object.values(storagePoints)) {
      const ids = this.holds.held().filter((h) => h.point === point).map((h) => h.id);
      if (waiting === "stuck" && ids.length > 0) {
        this.holds.hold(point, ids);
        stuck.push(...ids);
      } else {
        this.holds.release(point);
        for (const id of ids) released.add(id);
      }
    }
    if (waiting === "stuck") {
      // The daemon's hook rereads the file every 20 ms: the calls must still be held after it did.
      await sleep(100);
      const still = new Set(this.holds.held().map((h) => h.id));
      const gone = stuck.filter((id) => !still.has(id));
      if (gone.length > 0) throw new Error(`storage.resume stuck: the daemon let ${gone.join(", ")} go (the test hooks did not keep it held)`);
      return;
    }
    const quiet = await poll(() => {
      const held = this.holds.held();
      return !held.some((h) => released.has(h.id)) && createCallsInProgress(daemonLog()) <= held.length ? true : undefined;
    }, 30_000, 20);
    if (!quiet) throw new Error("storage.resume: the released create calls did not end within 30 s");
    for (const line of daemonLog().split("\n")) {
      const msg = logField(line, "msg") ?? "";
      if (msg.startsWith("test hook: ") && msg.includes(" released at ") && [...released].some((id) => msg.includes(id))) this.log(`  ${msg}`);
    }
    await Promise.all(this.watched.filter((w) => !w.settled).map((w) => Promise.race([w.done, sleep(1000)])));
  }

  /** containerd stopped or died: its held calls with it. */
  daemonGone(): void {
    this.holds.forgetHeld();
  }

  /**
   * Before event `index`: every call not returned yet must have passed its caller's deadline
   * on the daemon exactly when it has in the model (model: the clock is past the deadline,
   * model/cri/in-flight.ts cancelAbandonedCalls), else the time scale did not hold for this run.
   */
  check(index: number): void {
    const now = Date.now();
    for (const w of this.watched) {
      if (w.settled) continue;
      const model = this.modelSeconds > w.deadline;
      const real = now - w.issuedMs > (w.deadline - w.at) * this.msPerSecond;
      if (model !== real) {
        throw new Error(
          `event #${index}: the call of event #${w.index} has ${real ? "" : "not "}passed its deadline on the daemon (${now - w.issuedMs} ms after it was made) but ${model ? "has" : "has not"} in the model (${this.modelSeconds - w.at} s of ${w.deadline - w.at} s): the time scale (${this.msPerSecond} ms per model second) does not hold for this trace`,
        );
      }
    }
  }

  /** Before the observation: every call not returned yet returns (each has its deadline). */
  async settle(): Promise<void> {
    await Promise.all(this.watched.map((w) => w.done));
  }
}
