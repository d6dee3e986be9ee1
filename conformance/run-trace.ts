// Runs one trace against the real containerd 1.6 CRI plugin and reduces what happened to
// the project's Observation (model/observation.ts), so it can be compared with the model.
// Every event maps to what really happens on the host; see the per-event comments.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { releaseOf } from "../model/releases.ts";
import { eventCatalogue, eventSchema, type Event, type EventOf } from "../model/events.ts";
import { makeContainerName, makeSandboxName, podNamespace, podUid } from "../model/names.ts";
import type { CriContainerState, CriSandboxState, Observation, ObservedCall, ProcessState } from "../model/observation.ts";
import { CriClient, CriError, type ContainerConfig, type PodSandboxConfig } from "./cri-client.ts";
import { errorLinesMentioning, logField, startedRevisions } from "./daemon-log.ts";
import type { Containerd17 } from "./containerd-1.7.ts";
import type { DiskKind } from "./disk.ts";
import { RealEnvironment, type CleanupReport } from "./environment.ts";
import type { DiskLayout } from "../model/disk.ts";
import { eventsAsRun, type LoadOrders } from "./recordings.ts";
import { roomOnDisk } from "./disk-room.ts";
import type { Config } from "../model/config.ts";
import type { Release } from "./containerd-1.7.ts";
import { poll, sleep } from "./exec.ts";
import { throwIfInterrupted } from "./interrupt.ts";
import { isAlive, killPid, processesWithArg } from "./host.ts";
import { busyboxImage } from "./oci-image.ts";
import { createdIds, holdDirOf, Holds, msPerModelSecond, SlowCalls } from "./slow-calls.ts";
import { ArmedCrash, crashHookOf } from "./crash-points.ts";

/** The events that make a CRI call. */
type CriEvent = Extract<Event, { type: `cri.${string}` }>;

export interface RealTrace {
  name: string;
  events: Event[];
}

/** Event types the real daemon cannot run, as the event catalogue says (no real kubelet here, no partial disk, no hanging storage). */
const unsupportedTypes = new Set(Object.entries(eventCatalogue).flatMap(([type, entry]) => ("cannot" in entry.daemon ? [type] : [])));

/** The longest real wait one clock.tick may take: the exit back-off's real seconds, bounded (events.ts: clock.tick). */
export const maxTickMs = 30_000;

/**
 * Why the harness cannot run a fault of issue 14 that an event type it runs may carry, if it
 * carries one: test-hooks.patch holds every create call at the storage and lets them all go
 * on. (A cri.* event's crashAt runs on a build with the hooks: crash-points.ts.)
 */
function unsupportedFault(e: Event): string | undefined {
  if (e.type === "storage.hang" && (e.pod !== undefined || e.calls !== undefined)) return "storage.hang holds every create call on the daemon, not one pod's or the next N";
  if (e.type === "storage.resume" && (e.pod !== undefined || e.call !== undefined || e.waiting === "fail")) return "storage.resume lets every held call go on (finish) or keeps them held (stuck) on the daemon; one pod's or one call's, or failing them, is not wired";
  return undefined;
}

/** The events the harness cannot run, each with why (the catalogue's reason, or a clock.tick's wait). */
export function unsupportedEvents(trace: { events: readonly object[] }): { index: number; type: string; why: string }[] {
  const events = trace.events as readonly Event[];
  return events.flatMap((e, index) => {
    const daemon = eventCatalogue[e.type]?.daemon;
    if (unsupportedTypes.has(e.type) && daemon && "cannot" in daemon) return [{ index, type: e.type, why: daemon.cannot }];
    const why = unsupportedFault(e);
    if (why) return [{ index, type: e.type, why }];
    if (e.type === "clock.tick" && e.seconds * msPerModelSecond(events) > maxTickMs) {
      const wait = (e.seconds * msPerModelSecond(events)) / 1000;
      return [{ index, type: e.type, why: `clock.tick of ${e.seconds} s (#${index}) would wait ${wait} s of real time; the harness waits at most ${maxTickMs / 1000} s per tick` }];
    }
    return [];
  });
}

/**
 * Why a trace needs a build with the TEST-ONLY hooks (conformance/patches/test-hooks.patch:
 * every --variant build of 1.6, not the packaged daemons nor the 1.7 builds), if it does: its
 * storage.hang holds calls at the storage, its crashAt kills containerd at a hook.
 */
export function needsTestHooks(trace: { events: readonly object[] }): string | undefined {
  const events = trace.events as readonly Event[];
  const hang = events.findIndex((e) => e.type === "storage.hang");
  if (hang >= 0) return `it holds calls (storage.hang, #${hang})`;
  const crash = events.findIndex((e) => "crashAt" in e && e.crashAt !== undefined);
  if (crash >= 0) return `containerd dies inside a call (crashAt, #${crash})`;
  return undefined;
}

export interface RunOptions {
  diskMiB?: number;
  fs?: DiskKind;
  /** The model's layout: split is the harness's "split-cri", shared its "single" (environment.ts). */
  disk?: DiskLayout;
  /** The containerd binary to run, e.g. a variant's build; default the packaged one on PATH. */
  containerd?: string;
  /** Run Debian trixie's containerd 1.7 instead (containerd-1.7.ts). */
  containerd17?: Containerd17;
  /** The model configuration the run is compared with: disk.room leaves the blocks its writes need (disk-room.ts). */
  config?: Config;
  /** Progress lines (one per event); silent when absent. */
  log?: (line: string) => void;
}

export interface RealRun {
  observation: Observation;
  wallMs: number;
  cleanup: CleanupReport;
  /** Things the harness did differently from the model's reading of an event. */
  notes: string[];
  /** containerd log lines at level error/fatal (start-up noise removed), ids replaced by labels. */
  daemonLog: string[];
  /** The revision each daemon start logged: proves which binary ran. */
  revisions: string[];
  perEventMs: number[];
  /** At each containerd.start that started the daemon, its containers in the order 1.6.20 loads them (recordings.ts). */
  loadOrders: LoadOrders;
}

/** The default main process: proves it ran (/m/started) and exits with the code the harness writes to /m/exit. */
const controlScript = "touch /m/started; while [ ! -f /m/exit ]; do sleep 0.1; done; exit $(cat /m/exit)";

interface SandboxRec {
  label: string;
  realId: string;
  config: PodSandboxConfig;
}

interface ContainerRec {
  label: string;
  realId: string;
  name: string;
  attempt: number;
  ctlDir: string;
  /** argv[0] of the control script ($0 of sh -c): finds the process on the host. */
  marker: string | undefined;
  /** Host pid of the main process, read from the shim's init.pid after a start (custom commands). */
  pid: number | undefined;
}

export async function runTraceDetailed(trace: RealTrace, opts: RunOptions = {}): Promise<RealRun> {
  const bad = unsupportedEvents(trace);
  if (bad.length > 0) {
    throw new Error(
      `trace ${trace.name} cannot run on the real containerd: unsupported events ${bad.map((b) => `#${b.index} ${b.type}`).join(", ")}`,
    );
  }
  const events = trace.events.map((e, i) => {
    const r = eventSchema.safeParse(e);
    if (!r.success) throw new Error(`trace ${trace.name} event #${i}: ${r.error.message}`);
    return r.data;
  });
  const hooks = needsTestHooks(trace);
  if (hooks && (!opts.containerd || opts.containerd17)) {
    throw new Error(`trace ${trace.name}: ${hooks}: only a build with the test hooks can run it (--variant, conformance/patches/test-hooks.patch)`);
  }
  const t0 = Date.now();
  const env = new RealEnvironment({
    ...(opts.diskMiB ? { diskMiB: opts.diskMiB } : {}),
    ...(opts.disk ? { layout: opts.disk === "shared" ? ("single" as const) : ("split-cri" as const) } : {}),
    ...(opts.containerd ? { containerd: opts.containerd } : {}),
    ...(opts.containerd17 ? { containerd17: opts.containerd17 } : {}),
  });
  const runner = new TraceRunner(env, opts.log ?? (() => {}), events, opts.config, opts.containerd17 ? "1.7" : "1.6");
  let observation: Observation | undefined;
  let failure: unknown;
  try {
    await env.setup(opts.fs);
    for (const [i, e] of events.entries()) {
      throwIfInterrupted(); // the interrupt's cleanup may be removing the base under us
      const ts = Date.now();
      await runner.apply(i, e);
      runner.perEventMs.push(Date.now() - ts);
    }
    observation = await runner.observe();
  } catch (err) {
    failure = err;
  }
  const daemonLog = runner.interestingLog();
  const revisions = startedRevisions(runner.daemonLogText());
  const cleanup = await env.cleanup();
  if (failure) throw failure;
  if (cleanup.leftovers.length > 0) throw new Error(`cleanup left: ${cleanup.leftovers.join("; ")}`);
  return { observation: observation!, wallMs: Date.now() - t0, cleanup, notes: runner.notes, daemonLog, revisions, perEventMs: runner.perEventMs, loadOrders: runner.loadOrders };
}

class TraceRunner {
  private readonly sandboxes = new Map<string, SandboxRec>();
  private readonly containers = new Map<string, ContainerRec>();
  /** Every create call made, by label; realId is "" until the call returns or is held (then the hook names it). */
  private readonly issuedSandboxes = new Map<string, SandboxRec>();
  private readonly issuedContainers = new Map<string, ContainerRec>();
  private readonly calls: ObservedCall[] = [];
  private phase: Observation["containerd"] = "up";
  private error: string | null = null;
  readonly notes: string[] = [];
  readonly perEventMs: number[] = [];
  readonly loadOrders: LoadOrders = {};

  private readonly holds: Holds;
  private readonly slow: SlowCalls;

  constructor(
    private readonly env: RealEnvironment,
    private readonly log: (line: string) => void,
    private readonly events: readonly Event[],
    private readonly config: Config | undefined,
    private readonly release: Release,
  ) {
    this.holds = new Holds(holdDirOf(env.base));
    this.slow = new SlowCalls(this.holds, events, log);
  }

  async apply(index: number, e: Event): Promise<void> {
    this.log(`#${index} ${JSON.stringify(e)}`);
    this.slow.check(index);
    switch (e.type) {
      case "cri.runPodSandbox":
        return this.call(index, e, (c, ms) => this.runPodSandbox(c, e, ms), (id) => (this.issuedSandboxes.get(e.id)!.realId = id));
      case "cri.createContainer":
        return this.call(index, e, (c, ms) => this.createContainer(c, e, ms), (id) => (this.issuedContainers.get(e.id)!.realId = id));
      case "cri.startContainer":
        return this.call(index, e, (c, ms) => this.startContainer(c, e.id, ms));
      case "cri.stopContainer":
        // timeout 0 = kill at once, like a kubelet with no grace period left.
        return this.call(index, e, (c, ms) => c.stopContainer(this.containerId(e.id), 0, ms));
      case "cri.removeContainer":
        return this.call(index, e, (c, ms) => c.removeContainer(this.containerId(e.id), ms));
      case "cri.stopPodSandbox":
        return this.call(index, e, (c, ms) => c.stopPodSandbox(this.sandboxId(e.id), ms));
      case "cri.removePodSandbox":
        return this.call(index, e, (c, ms) => c.removePodSandbox(this.sandboxId(e.id), ms));
      case "process.exit":
        return this.processExit(e);
      case "containerd.stop":
        // A daemon that is not running (stopped, or dead of a fatal recovery error) has
        // nothing to stop: its phase and error stay, as in the model.
        if (!this.env.daemon.running) return;
        {
          const exit = await this.env.daemon.stop();
          this.log(`  containerd exited: code ${exit?.code} signal ${exit?.signal}`);
          this.slow.daemonGone();
        }
        this.phase = "down";
        this.error = null;
        return;
      case "containerd.start":
        return this.containerdStart(index, e);
      case "disk.fill":
        await this.env.fillDisks();
        return;
      case "disk.free":
        await this.env.freeDisks();
        return;
      case "disk.room":
        return this.diskRoom(index);
      case "clock.tick":
        // Real time has to pass: the CRI exit back-off retries after 1 s, 2 s, 4 s ...; in a
        // trace with slow calls, scaled like the calls' deadlines (slow-calls.ts).
        await sleep(this.slow.tick(e.seconds));
        return;
      case "storage.hang":
        this.slow.hang();
        return;
      case "storage.resume": {
        const waiting = e.waiting ?? "finish";
        // unsupportedEvents refused it before the run began.
        if (waiting === "fail") throw new Error("storage.resume waiting=fail is not wired on the real containerd");
        return this.slow.resume(waiting, () => this.env.daemon.readLog());
      }
      default:
        throw new Error(`event type ${e.type} is not supported on the real containerd`);
    }
  }

  // ---- CRI calls ----------------------------------------------------------------------

  /**
   * Runs one CRI call with the kubelet's deadline and records its result when it comes; a
   * daemon that is down is asked anyway (UNAVAILABLE). A create call held at the storage
   * goes on in the background (slow-calls.ts); `onHeld` learns the id the daemon gave it. A
   * call with a crash point is held at its hook and containerd is killed there (crash-points.ts).
   */
  private async call(index: number, e: CriEvent, fn: (c: CriClient, deadlineMs: number) => Promise<unknown>, onHeld?: (id: string) => void): Promise<void> {
    const type = e.type;
    // Written before the call is made, so that it cannot pass the hook first.
    const crash = crashHookOf(e);
    const armed = crash && new ArmedCrash(this.holds, crash.hook, this.reservedKey(e));
    let client = this.env.daemon.client;
    let temporary = false;
    if (!client) {
      client = new CriClient(this.env.paths.socket, { defaultDeadlineMs: 2000 });
      temporary = true;
    }
    const c = client;
    const done = (async () => {
      try {
        await fn(c, this.slow.deadlineMs(type));
        this.calls.push({ event: index, type, ok: true, error: null });
        this.log(`  #${index} ok`);
      } catch (err) {
        if (!(err instanceof CriError)) throw err;
        const text = this.normalise(err.message);
        this.calls.push({ event: index, type, ok: false, error: text });
        this.log(`  #${index} error: ${text}`);
      } finally {
        if (temporary) c.close();
      }
    })();
    if (crash && armed) {
      let settled = false;
      void done.then(() => (settled = true));
      const held = await armed.strike(() => settled, () => this.killInside(index, armed.hook));
      await done;
      if (held === undefined) {
        this.notes.push(`#${index} ${type} returned before its crash point ${crash.at} (test hook ${crash.hook}): containerd lives on, as the model's call that does not reach its point`);
        return;
      }
      const result = this.calls.find((c) => c.event === index);
      if (!result || result.ok || !result.error?.startsWith("UNAVAILABLE: ")) {
        throw new Error(`#${index} ${type}: containerd was killed at ${crash.hook}, yet the call ended ${JSON.stringify(result)}, not UNAVAILABLE`);
      }
      onHeld?.(held);
      // The record was written before the hook: the object exists from the next start on, as in the model (model/cri/crash.ts).
      if (crash.made) this.adoptIssued(e);
      return;
    }
    const held = await this.slow.issued(index, type, done);
    if (held !== undefined) onHeld?.(held);
  }

  /** containerd dies with a call held at `hook` (crash-points.ts): SIGKILL, shims live on. */
  private async killInside(index: number, hook: string): Promise<void> {
    const exit = await this.env.daemon.kill();
    this.log(`  #${index} held at ${hook}: containerd killed (${exit?.signal ?? `code ${exit?.code}`})`);
    this.slow.daemonGone();
    this.phase = "down";
    this.error = null;
  }

  /** The line of the hold file that picks this call only: its id, or for a create the name it reserves (test-hooks.patch). */
  private reservedKey(e: CriEvent): string {
    switch (e.type) {
      case "cri.runPodSandbox":
        return makeSandboxName(e.pod, e.attempt);
      case "cri.createContainer":
        return makeContainerName(e.name, this.sandboxes.get(e.sandbox)?.config.metadata.name ?? `unmapped-${e.sandbox}`, e.attempt);
      case "cri.startContainer":
      case "cri.stopContainer":
      case "cri.removeContainer":
        return this.containerId(e.id);
      case "cri.stopPodSandbox":
      case "cri.removePodSandbox":
        return this.sandboxId(e.id);
    }
  }

  /** A create that died after its record was written: its container (sandbox) is one the trace made. */
  private adoptIssued(e: CriEvent): void {
    if (e.type === "cri.runPodSandbox") adopt(this.sandboxes, this.issuedSandboxes, this.issuedSandboxes.get(e.id)!);
    if (e.type === "cri.createContainer") adopt(this.containers, this.issuedContainers, this.issuedContainers.get(e.id)!);
  }

  private sandboxConfig(pod: string, attempt: number): PodSandboxConfig {
    const uid = podUid(pod);
    const logDir = join(this.env.base, "podlogs", `${podNamespace}_${pod}_${uid}`);
    mkdirSync(logDir, { recursive: true });
    return {
      metadata: { name: pod, uid, namespace: podNamespace, attempt },
      hostname: "",
      log_directory: logDir, // off the small fs: container logs must not depend on its space
      labels: { "io.kubernetes.pod.name": pod, "io.kubernetes.pod.namespace": podNamespace, "io.kubernetes.pod.uid": uid },
      annotations: {},
      linux: {
        cgroup_parent: `/${this.env.cgroupName}/pod${uid}`,
        // hostNetwork: no CNI is installed, and none is needed for a NODE network namespace.
        security_context: { namespace_options: { network: "NODE", pid: "CONTAINER", ipc: "POD" } },
      },
    };
  }

  private async runPodSandbox(client: CriClient, e: EventOf<"cri.runPodSandbox">, deadlineMs: number): Promise<void> {
    if (this.issuedSandboxes.has(e.id)) throw new Error(`sandbox label ${e.id} was already created in this trace`);
    const rec: SandboxRec = { label: e.id, realId: "", config: this.sandboxConfig(e.pod, e.attempt) };
    this.issuedSandboxes.set(e.id, rec);
    rec.realId = await client.runPodSandbox(rec.config, deadlineMs);
    adopt(this.sandboxes, this.issuedSandboxes, rec);
  }

  private async createContainer(client: CriClient, e: EventOf<"cri.createContainer">, deadlineMs: number): Promise<void> {
    if (this.issuedContainers.has(e.id)) throw new Error(`container label ${e.id} was already created in this trace`);
    const sb = this.sandboxes.get(e.sandbox);
    const sandboxConfig = sb?.config ?? this.sandboxConfig(`unmapped-${e.sandbox}`, 0);
    const ctlDir = join(this.env.base, "ctl", e.id);
    mkdirSync(ctlDir, { recursive: true });
    // The kubelet creates the log directory; containerd creates `<attempt>.log` at start.
    mkdirSync(join(sandboxConfig.log_directory ?? this.env.base, e.name), { recursive: true });
    const marker = e.command ? undefined : `restart-sim-${this.env.tag}-${e.id}`;
    const uid = sandboxConfig.metadata.uid;
    const config: ContainerConfig = {
      metadata: { name: e.name, attempt: e.attempt },
      image: { image: busyboxImage },
      command: e.command ?? ["/bin/sh", "-c", controlScript, marker!],
      mounts: [{ container_path: "/m", host_path: ctlDir }],
      labels: {
        "io.kubernetes.pod.name": sandboxConfig.metadata.name,
        "io.kubernetes.pod.namespace": podNamespace,
        "io.kubernetes.pod.uid": uid,
        "io.kubernetes.container.name": e.name,
      },
      annotations: { "io.kubernetes.container.restartCount": String(e.attempt) },
      log_path: `${e.name}/${e.attempt}.log`,
      linux: { security_context: { namespace_options: { network: "NODE", pid: "CONTAINER", ipc: "POD" } } },
    };
    const rec: ContainerRec = { label: e.id, realId: "", name: e.name, attempt: e.attempt, ctlDir, marker, pid: undefined };
    this.issuedContainers.set(e.id, rec);
    rec.realId = await client.createContainer(sb?.realId ?? bogusId(e.sandbox), config, sandboxConfig, deadlineMs);
    adopt(this.containers, this.issuedContainers, rec);
  }

  private async startContainer(client: CriClient, label: string, deadlineMs: number): Promise<void> {
    const rec = this.containers.get(label) ?? this.issuedContainers.get(label);
    await client.startContainer(this.containerId(label), deadlineMs);
    if (!rec) return;
    adopt(this.containers, this.issuedContainers, rec); // a held create's container, now known to exist
    // Let the process reach its first line, so "ran" is a fact before the next event.
    if (rec.marker) await poll(() => (existsSync(join(rec.ctlDir, "started")) ? true : undefined), 5000);
    rec.pid = readInitPid(this.env.paths.state, rec.realId);
  }

  private containerId(label: string): string {
    return (this.containers.get(label) ?? this.issuedContainers.get(label))?.realId || bogusId(label);
  }

  private sandboxId(label: string): string {
    return (this.sandboxes.get(label) ?? this.issuedSandboxes.get(label))?.realId || bogusId(label);
  }

  // ---- processes and the daemon --------------------------------------------------------

  private async processExit(e: EventOf<"process.exit">): Promise<void> {
    const rec = this.containers.get(e.id);
    if (!rec) {
      // Like the model: an event that does not apply changes nothing.
      this.notes.push(`process.exit ${e.id}: no such container, nothing done`);
      return;
    }
    if (this.processState(rec) !== "running") {
      // Writing /m/exit now would make a later start exit at once; the model treats an
      // exit of a process that is not running as a no-op, so do nothing.
      this.notes.push(`process.exit ${e.id}: no running process, nothing done`);
      return;
    }
    if (rec.marker) {
      writeFileSync(join(rec.ctlDir, "exit"), `${e.code}\n`);
    } else {
      if (e.code !== 137 || rec.pid === undefined) {
        throw new Error(`process.exit ${e.id}: a custom command can only be made to exit with 137 (SIGKILL)`);
      }
      killPid(rec.pid, "SIGKILL");
    }
    const gone = await poll(() => (this.processState(rec) === "running" ? undefined : true), 10_000);
    if (!gone) throw new Error(`process.exit ${e.id}: the process did not exit within 10 s`);
    if (this.env.daemon.running) await this.awaitExitHandling(rec);
  }

  /**
   * The CRI plugin handles an exit asynchronously. Wait until it either recorded EXITED or
   * logged that handling failed (then the exit sits in the back-off queue), so the next
   * event sees a settled daemon, as the model assumes.
   */
  private async awaitExitHandling(rec: ContainerRec): Promise<void> {
    const client = this.env.daemon.client!;
    const settled = await poll(async () => {
      try {
        const st = await client.containerStatus(rec.realId);
        if (st.state !== "CONTAINER_RUNNING") return st.state;
      } catch {
        return "invisible"; // not in the CRI store: the exit is not tracked at all
      }
      const failed = errorLinesMentioning(this.env.daemon.readLog(), rec.realId).some((l) => l.includes("TaskExit"));
      return failed ? "exit-handling-failed" : undefined;
    }, 5000);
    this.log(`  exit handling: ${settled ?? "no outcome within 5 s"}`);
    // EXITED is visible once the status is stored; a variant that stores it before deleting the
    // task (keep-task-*) deletes the task after that. The model's exit is whole, so wait for the
    // task's bundle to go too: a containerd.stop in between would leave a half-deleted task that
    // the restart cannot load (restart.go:loadContainer marks the container UNKNOWN).
    if (settled === "CONTAINER_EXITED") {
      const bundle = join(this.env.paths.state, "io.containerd.runtime.v2.task", "k8s.io", rec.realId);
      const deleted = await poll(() => (existsSync(bundle) ? undefined : true), 5000);
      if (!deleted) this.log("  exit handling: the task's bundle is still there after 5 s");
    }
  }

  /**
   * disk.room: the filesystems full but for the blocks the model's next writes take
   * (disk-room.ts), with the model replayed as the daemon runs: restarts after this one in the
   * id order of the containers made so far (a container made later goes last).
   */
  private async diskRoom(index: number): Promise<void> {
    if (!this.config) throw new Error(`disk.room (#${index}) needs the model configuration the run is compared with`);
    const ids = this.byId();
    const orders: LoadOrders = { ...this.loadOrders };
    for (const [i, e] of this.events.entries()) if (i > index && e.type === "containerd.start") orders[String(i)] = ids;
    const room = roomOnDisk(eventsAsRun(this.events, this.release, orders), index, this.config);
    if ("cannot" in room) throw new Error(room.cannot);
    await this.env.leaveFree(room.free);
    this.log(`  free blocks: root ${room.free.root}${this.env.layout === "split-cri" ? `, cri ${room.free.cri}` : ""}`);
    this.notes.push(`disk.room #${index}: ${this.env.layout === "split-cri" ? `${room.free.root} free block(s) on the root filesystem, ${room.free.cri} on the CRI one` : `${room.free.root} free block(s)`}`);
  }

  /** The containers made so far in the order containerd 1.6.20's recover() loads them: by id (recordings.ts: eventsAsRun). */
  private byId(): string[] {
    return [...this.containers.values()].sort((a, b) => (a.realId < b.realId ? -1 : a.realId > b.realId ? 1 : 0)).map((c) => c.label);
  }

  private async containerdStart(index: number, e: EventOf<"containerd.start">): Promise<void> {
    if (this.env.daemon.running) {
      this.notes.push("containerd.start while up: nothing done");
      return;
    }
    // Ids the harness never learnt (a failed create) have no record left to load.
    const order = this.byId();
    this.loadOrders[String(index)] = order;
    if (e.order || e.parallel) {
      this.notes.push(`containerd.start #${index}: the trace's ${e.order ? `order ${e.order.join(",")}` : ""}${e.order && e.parallel ? " and " : ""}${e.parallel ? `parallel ${e.parallel}` : ""} not chosen by the harness; the containers by id: ${order.join(",")} (${releaseOf(this.release).defaultLoads === "one-at-a-time" ? "loaded one at a time in this order" : "an errgroup starts a load per container in this order"})`);
    }
    const r = await this.env.startDaemon();
    if (r.ready) {
      this.phase = "up";
      this.error = null;
      this.log(`  CRI ready in ${r.ms} ms`);
    } else {
      this.phase = "failed";
      this.error = this.normalise(r.error);
      this.log(`  containerd exited (${r.exitCode}) after ${r.ms} ms: ${this.error}`);
    }
  }

  /** running / exited / none, judged from the host, not from CRI. */
  private processState(rec: ContainerRec): ProcessState {
    if (rec.marker) {
      if (processesWithArg(rec.marker).length > 0) return "running";
      return existsSync(join(rec.ctlDir, "started")) ? "exited" : "none";
    }
    if (rec.pid === undefined) return "none";
    return isAlive(rec.pid) ? "running" : "exited";
  }

  // ---- the observation -----------------------------------------------------------------

  async observe(): Promise<Observation> {
    await this.slow.settle();
    // A create whose caller had gone may still have made its container: the daemon logged its id.
    const made = createdIds(this.daemonLogText());
    for (const rec of this.issuedSandboxes.values()) if (made.has(rec.realId)) adopt(this.sandboxes, this.issuedSandboxes, rec);
    for (const rec of this.issuedContainers.values()) if (made.has(rec.realId)) adopt(this.containers, this.issuedContainers, rec);
    this.calls.sort((a, b) => a.event - b.event);
    const client = this.env.daemon.running ? this.env.daemon.client : undefined;
    const listedContainers = client ? await client.listContainers() : [];
    const listedSandboxes = client ? await client.listPodSandbox() : [];
    const cState = new Map(listedContainers.map((c) => [c.id, c.state]));
    const sState = new Map(listedSandboxes.map((s) => [s.id, s.state]));
    const containers: Observation["containers"] = [];
    for (const rec of this.containers.values()) {
      const state = (cState.get(rec.realId) ?? null) as CriContainerState | null;
      let exitCode: number | null = null;
      if (state === "CONTAINER_EXITED" && client) exitCode = (await client.containerStatus(rec.realId)).exit_code;
      containers.push({
        id: rec.label,
        name: rec.name,
        attempt: rec.attempt,
        visible: state !== null,
        state,
        exitCode,
        process: this.processState(rec),
      });
    }
    const sandboxes: Observation["sandboxes"] = [...this.sandboxes.values()].map((s) => {
      const state = (sState.get(s.realId) ?? null) as CriSandboxState | null;
      return { id: s.label, visible: state !== null, state };
    });
    // Anything listed that the trace did not create would mean a leak between runs.
    const known = new Set([...this.containers.values()].map((c) => c.realId));
    for (const c of listedContainers) if (!known.has(c.id)) this.notes.push(`unexpected container listed: ${c.id}`);
    return { containerd: this.phase, error: this.error, containers, sandboxes, calls: this.calls, violations: [] };
  }

  /** Real ids become labels and the work dir becomes $BASE, so texts compare across runs. */
  normalise(text: string): string {
    let out = text.split(this.env.base).join("$BASE");
    for (const c of [...this.containers.values(), ...this.issuedContainers.values()]) if (c.realId) out = out.split(c.realId).join(c.label);
    for (const s of [...this.sandboxes.values(), ...this.issuedSandboxes.values()]) if (s.realId) out = out.split(s.realId).join(s.label);
    // Ids the harness never learnt (a create that failed) vary per run.
    return out.replace(/unmapped-id-([^"\s]+)/g, "$1").replace(/\b[0-9a-f]{64}\b/g, "<id>");
  }

  /** The logs of every CRI daemon start, in order. */
  daemonLogText(): string {
    const dir = this.env.paths.logDir;
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^containerd-\d+\.log$/.test(f)) : [];
    files.sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
    return files.map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
  }

  /** containerd log lines at level error or fatal, ids replaced by labels. */
  interestingLog(): string[] {
    const all = this.daemonLogText();
    const seen = new Set<string>();
    const out: string[] = [];
    for (const line of all.split("\n")) {
      const level = logField(line, "level");
      if (level !== "error" && level !== "fatal") continue;
      if (/cni|devmapper|aufs|btrfs|zfs|tracing/i.test(line)) continue; // known start-up noise
      const msg = this.normalise(`${level}: ${logField(line, "msg") ?? ""}${logField(line, "error") ? ` error=${logField(line, "error")}` : ""}`);
      if (!seen.has(msg)) {
        seen.add(msg);
        out.push(msg);
      }
    }
    return out;
  }
}

/**
 * A create's result becomes a container (sandbox) of the observation. A call joined to a held
 * call returns that call's id: the object is the held call's, under its label, made once.
 */
function adopt<R extends { label: string; realId: string }>(made: Map<string, R>, issued: Map<string, R>, rec: R): void {
  const first = [...issued.values()].find((r) => r.realId === rec.realId) ?? rec;
  if (![...made.values()].some((r) => r.realId === first.realId)) made.set(first.label, first);
}

/** An id no real object has (not hex, so no prefix match), for labels whose create failed. */
function bogusId(label: string): string {
  return `unmapped-id-${label}`;
}

function readInitPid(state: string, id: string): number | undefined {
  try {
    return Number(readFileSync(join(state, "io.containerd.runtime.v2.task", "k8s.io", id, "init.pid"), "utf8").trim());
  } catch {
    return undefined;
  }
}
