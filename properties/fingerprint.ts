// A canonical fingerprint of a world, with what the observer recorded up to it (the
// history-based properties read that), for the exhaustive checker: two states get the same
// fingerprint exactly when they behave the same from here on, up to the labels of pods and
// containers. What is abstracted, and why that is sound:
// - ids: a container is named by (pod, container name, n-th of that name), a sandbox by (pod,
//   n-th); the kubelet's id counter only makes ids unique and never steers a decision;
// - timestamps: replaced by their rank; the model only compares them and takes new ones
//   above all others;
// - logical seconds: kept relative to now (back-off retries compare `due` with now);
// - the fatal error text: only "failed" matters for what happens next;
// - with symmetry: pods that differ only by their labels. Each pod is described by itself
//   with labels left out, and the descriptions are sorted, so any relabeling of the pods gives
//   the same fingerprint. The containers of one pod are not interchangeable: the kubelet
//   starts them in the order of the pod spec, so on a nearly full disk the first one gets the
//   last free block; their description keeps that order.
// The fingerprint is flat: one list of 32-bit integers written in one pass over the world
// (strings as their code in this process's table, absent values and lists' lengths as tags),
// which the checker hashes to 64 bits (fingerprint-hash.ts).
import type { Pod, World } from "../model/world.ts";
import type { Ledger, ContainerFacts } from "../model/ledger.ts";
import type { Status } from "../model/status.ts";
import { parentDirs } from "../model/disk.ts";

export interface Fingerprint {
  /** The whole fingerprint; two states are merged exactly when these are equal. */
  flat: number[];
  /**
   * How many permutations of the pods' labels leave the world unchanged. The world's orbit,
   * the number of distinct labelled worlds it stands for, is P! / stabilizer: this lets the
   * checker say what symmetry saved.
   */
  stabilizer: number;
}

/** The fingerprint as text, one value per flat entry: equal exactly when the flat lists are. */
export function fingerprintText(print: Fingerprint): string {
  return print.flat.join(",");
}

/** An absent value (null, undefined), and `false` where a field is a number or false. */
const absent = -0x80000000;
const no = -0x7fffffff;

/** Strings as small integers, the same for the whole process (a fingerprint is compared within one). */
const codes = new Map<string, number>();
function code(text: string): number {
  let c = codes.get(text);
  if (c === undefined) codes.set(text, (c = codes.size));
  return c;
}

/** Appends values to one list; every value must be a 32-bit integer, so equal lists mean equal worlds. */
class Writer {
  readonly out: number[] = [];
  int(v: number): void {
    if ((v | 0) !== v || v === absent || v === no) throw new Error(`fingerprint: ${String(v)} is not a 32-bit integer`);
    this.out.push(v);
  }
  maybe(v: number | null | undefined): void {
    if (v === null || v === undefined) this.out.push(absent);
    else this.int(v);
  }
  flag(v: boolean): void {
    this.out.push(v ? 1 : 0);
  }
  text(v: string): void {
    this.out.push(code(v));
  }
  /** Tags an optional part: false when it is absent (nothing follows), else true and the caller writes it. */
  has<T>(v: T | null | undefined): v is T {
    this.out.push(v === undefined || v === null ? absent : 1);
    return v !== undefined && v !== null;
  }
}

/** Timestamp -> rank among every timestamp of the world (1-based; 0 stays 0), by timestamp. */
function timestampRanks(w: World): Int32Array {
  const stamps: number[] = [];
  for (const id in w.disk.checkpoints) pushStatus(stamps, w.disk.checkpoints[id]);
  for (const id in w.metadata.containers) {
    const r = w.metadata.containers[id]!;
    stamps.push(r.createdAt);
    pushStatus(stamps, r.status);
  }
  for (const id in w.metadata.sandboxes) stamps.push(w.metadata.sandboxes[id]!.createdAt);
  for (const id in w.shim.tasks) stamps.push(w.shim.tasks[id]!.exitedAt);
  for (const id in w.cri.containers) pushStatus(stamps, w.cri.containers[id]!.status);
  for (const b of w.cri.backoff) stamps.push(b.exitedAt);
  let max = 0;
  for (const t of stamps) {
    if ((t | 0) !== t || t < 0) throw new Error(`fingerprint: timestamp ${String(t)} is not a small integer`);
    if (t > max) max = t;
  }
  const ranks = new Int32Array(max + 1);
  for (const t of stamps) ranks[t] = 1;
  ranks[0] = 0;
  for (let t = 1, rank = 0; t <= max; t++) if (ranks[t] === 1) ranks[t] = ++rank;
  return ranks;
}

function pushStatus(stamps: number[], s: Status | undefined): void {
  if (s) stamps.push(s.createdAt, s.startedAt, s.finishedAt);
}

export function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

function compareLists(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Product of m! over the multiplicities m of equal lists in a sorted list of lists. */
function tiesProduct(sorted: readonly (readonly number[])[]): number {
  let product = 1;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && compareLists(sorted[i]!, sorted[i - 1]!) === 0) run++;
    else {
      product *= factorial(run);
      run = 1;
    }
  }
  return product;
}

/** A label local to its pod, as one integer: sandbox i, call in flight i, container n's k-th creation; 0: another pod's. */
const sandboxLabel = (i: number) => (i << 2) | 1;
const callLabel = (i: number) => (i << 2) | 2;
const containerLabel = (n: number, k: number) => (((n << 10) | k) << 2) | 3;
const elsewhere = 0;

/** One fingerprint being written: the world's facts each part of it needs, looked up once. */
class Printer {
  private readonly ranks: Int32Array;
  private readonly reserved = new Set<string>();
  private readonly seconds: number;
  /** Some create timed out or was refused (kubelet.timedOut, kubelet.refused are not empty). */
  private readonly kubeletMarks: boolean;
  /** The ledger's containers and sandboxes by pod, in creation order. */
  private readonly containersOf = new Map<string, ContainerFacts[]>();
  private readonly sandboxesOf = new Map<string, string[]>();

  constructor(
    private readonly w: World,
    private readonly ledger: Ledger,
  ) {
    this.ranks = timestampRanks(w);
    for (const name in w.cri.containerNames) this.reserved.add(w.cri.containerNames[name]!);
    for (const name in w.cri.sandboxNames) this.reserved.add(w.cri.sandboxNames[name]!);
    this.seconds = w.clock.seconds;
    this.kubeletMarks = !isEmpty(w.kubelet.timedOut) || !isEmpty(w.kubelet.refused);
    for (const c of ledger.containers) {
      const list = this.containersOf.get(c.pod);
      if (list) list.push(c);
      else this.containersOf.set(c.pod, [c]);
    }
    for (const s of ledger.sandboxes) {
      const list = this.sandboxesOf.get(s.pod);
      if (list) list.push(s.id);
      else this.sandboxesOf.set(s.pod, [s.id]);
    }
  }

  private stamp(o: Writer, t: number): void {
    o.int(this.ranks[t]!);
  }

  private status(o: Writer, s: Status | undefined | null): void {
    if (!o.has(s)) return;
    this.stamp(o, s.createdAt);
    this.stamp(o, s.startedAt);
    this.stamp(o, s.finishedAt);
    o.int(s.exitCode);
    o.text(s.reason);
  }

  private task(o: Writer, id: string): void {
    const k = this.w.shim.tasks[id];
    if (!o.has(k)) return;
    o.text(k.status);
    o.maybe(k.exitCode);
    this.stamp(o, k.exitedAt);
  }

  private backoff(o: Writer, id: string): void {
    const queue = this.w.cri.backoff;
    let i = 0;
    while (i < queue.length && queue[i]!.id !== id) i++;
    const b = queue[i];
    if (!o.has(b)) return;
    o.int(i);
    o.int(b.exitCode);
    this.stamp(o, b.exitedAt);
    o.int(b.due - this.seconds);
    o.int(b.delay);
  }

  private refusedHolder(o: Writer, local: Map<string, number>, key: string): void {
    const refused = this.kubeletMarks ? this.w.kubelet.refused[key] : undefined;
    if (o.has(refused)) o.int(local.get(refused.holder) ?? elsewhere);
  }

  /**
   * Everything about one pod, with its label and ids left out: ids become the container's
   * position in the spec and its rank among that container's creations, a sandbox's rank, a
   * call in flight's rank.
   */
  pod(pod: Pod): number[] {
    const { w, ledger, reserved, seconds } = this;
    const o = new Writer();
    const sandboxIds = this.sandboxesOf.get(pod.name) ?? [];
    const calls = w.cri.inFlight.filter((c) => c.pod === pod.name);
    const facts = this.containersOf.get(pod.name) ?? [];
    const local = new Map<string, number>();
    for (let i = 0; i < sandboxIds.length; i++) local.set(sandboxIds[i]!, sandboxLabel(i));
    for (let i = 0; i < calls.length; i++) local.set(calls[i]!.id, callLabel(i));
    const byName: ContainerFacts[][] = [];
    for (let n = 0; n < pod.containers.length; n++) {
      const mine = facts.filter((c) => c.name === pod.containers[n]);
      for (let k = 0; k < mine.length; k++) local.set(mine[k]!.id, containerLabel(n, k));
      byName.push(mine);
    }

    o.text(pod.restartPolicy);
    o.flag(pod.deleted);
    o.int(sandboxIds.length);
    for (const id of sandboxIds) {
      const record = w.metadata.sandboxes[id];
      if (o.has(record)) {
        o.int(record.attempt);
        this.stamp(o, record.createdAt);
      }
      const sandbox = w.cri.sandboxes[id];
      if (o.has(sandbox)) o.text(sandbox.state);
      this.task(o, id);
      o.flag(reserved.has(id));
      o.flag(w.disk.sandboxDirs.includes(id));
    }
    for (let n = 0; n < pod.containers.length; n++) {
      const name = pod.containers[n]!;
      const mine = byName[n]!;
      o.int(mine.length);
      for (const c of mine) {
        o.int(c.attempt);
        o.maybe(local.get(c.sandboxId));
        const record = w.metadata.containers[c.id];
        if (o.has(record)) {
          this.stamp(o, record.createdAt);
          this.status(o, record.status);
        }
        this.status(o, w.disk.checkpoints[c.id]);
        this.task(o, c.id);
        const process = w.shim.processes[c.id];
        if (o.has(process)) {
          o.text(process.state);
          o.maybe(process.exitCode);
        }
        const cri = w.cri.containers[c.id];
        if (o.has(cri)) {
          this.status(o, cri.status);
          o.flag(cri.unknown);
          o.flag(cri.exitMonitor);
          o.flag(cri.ioClosed ?? false);
        }
        o.flag(reserved.has(c.id));
        o.maybe(ledger.reached[c.id]);
        o.maybe(ledger.exitCodes[c.id]);
        this.backoff(o, c.id);
      }
      const logs = w.kubelet.logs[pod.name]?.[name] ?? [];
      o.int(logs.length);
      for (const n of logs.length > 1 ? [...logs].sort(numerically) : logs) o.int(n);
      // Most worlds have no timed-out or refused create: no key to build then.
      const key = this.kubeletMarks ? `${pod.name}/${name}` : "";
      o.maybe(this.kubeletMarks ? w.kubelet.timedOut[key] : undefined);
      this.refusedHolder(o, local, key);
    }
    o.int(calls.length);
    for (const c of calls) {
      // The position among all calls in flight: they finish in that order, sharing the disk.
      o.int(w.cri.inFlight.indexOf(c));
      o.text(c.kind);
      o.maybe(c.containerName === "" ? null : pod.containers.indexOf(c.containerName));
      o.int(c.attempt);
      o.maybe(local.get(c.sandboxId));
      o.int(seconds - c.since);
      o.int(c.deadline - seconds);
      o.flag(c.stuck);
      o.flag(c.canceled);
      o.flag(reserved.has(c.id));
    }
    const wait = w.kubelet.waiting[pod.name];
    if (o.has(wait)) {
      o.int(local.get(wait.call) ?? elsewhere);
      o.maybe(wait.container === null ? null : pod.containers.indexOf(wait.container));
      o.int(wait.attempt);
      o.int(wait.deadline - seconds);
    }
    o.maybe(w.kubelet.timedOut[pod.name]);
    this.refusedHolder(o, local, pod.name);
    // The pod's own hang (a dead hostPath of this pod): whether it holds every call or a number.
    this.hang(o, pod.name);
    return o.out;
  }

  /** The hang of one pod's storage, or of every pod's (null): how many calls it holds, or none. */
  hang(o: Writer, pod: string | null): void {
    for (const h of this.w.faults.hangs) {
      if (h.pod !== pod) continue;
      o.maybe(h.calls);
      return;
    }
    o.out.push(no);
  }

  /** What is not any one pod's: the disk, the CRI plugin's phase, the faults armed for every pod. */
  global(o: Writer): void {
    const { w } = this;
    o.maybe(w.disk.room);
    o.maybe(w.disk.free.root);
    o.maybe(w.disk.free.cri);
    o.text(w.disk.freelist);
    for (const dir of parentDirs) o.flag(w.disk.made.includes(dir));
    o.flag(w.disk.recordsAdded);
    o.int(w.disk.collectable);
    o.text(w.cri.phase);
    o.flag(w.cri.error !== null);
    this.hang(o, null);
    if (o.has(w.faults.crash)) {
      o.text(w.faults.crash.call);
      o.text(w.faults.crash.at);
    }
    o.int(w.faults.shim.length);
    for (const op of w.faults.shim) o.text(op);
  }
}

const numerically = (a: number, b: number) => a - b;

function isEmpty(record: object): boolean {
  for (const _key in record) return false;
  return true;
}

export function fingerprint(w: World, ledger: Ledger, options: { symmetry: boolean }): Fingerprint {
  const printer = new Printer(w, ledger);
  const podDescriptions: number[][] = [];
  for (const name in w.kubelet.pods) podDescriptions.push(printer.pod(w.kubelet.pods[name]!));
  if (options.symmetry) podDescriptions.sort(compareLists);
  const o = new Writer();
  printer.global(o);
  o.int(podDescriptions.length);
  for (const d of podDescriptions) {
    o.int(d.length);
    for (const v of d) o.out.push(v);
  }
  return { flat: o.out, stabilizer: options.symmetry ? tiesProduct(podDescriptions) : 1 };
}
