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
import type { World } from "../model/world.ts";
import type { Ledger } from "../model/ledger.ts";
import type { Status } from "../model/status.ts";

export interface Fingerprint {
  key: string;
  /**
   * How many permutations of the pods' labels leave the world unchanged. The world's orbit,
   * the number of distinct labelled worlds it stands for, is P! / stabilizer: this lets the
   * checker say what symmetry saved.
   */
  stabilizer: number;
}

type Ranks = Map<number, number>;

function timestampRanks(w: World): Ranks {
  const stamps = new Set<number>();
  const add = (t: number) => t !== 0 && stamps.add(t);
  const addStatus = (s: Status | undefined) => {
    if (!s) return;
    add(s.createdAt);
    add(s.startedAt);
    add(s.finishedAt);
  };
  for (const s of Object.values(w.disk.checkpoints)) addStatus(s);
  for (const r of Object.values(w.metadata.containers)) {
    add(r.createdAt);
    addStatus(r.status);
  }
  for (const r of Object.values(w.metadata.sandboxes)) add(r.createdAt);
  for (const t of Object.values(w.shim.tasks)) add(t.exitedAt);
  for (const c of Object.values(w.cri.containers)) addStatus(c.status);
  for (const b of w.cri.backoff) add(b.exitedAt);
  return new Map([...stamps].sort((a, b) => a - b).map((t, i) => [t, i + 1]));
}

export function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/** Product of m! over the multiplicities m of equal strings in a sorted list. */
function tiesProduct(sorted: readonly string[]): number {
  let product = 1;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run++;
    else {
      product *= factorial(run);
      run = 1;
    }
  }
  return product;
}

export function fingerprint(w: World, ledger: Ledger, options: { symmetry: boolean }): Fingerprint {
  const rank = timestampRanks(w);
  const t = (x: number) => (x === 0 ? 0 : rank.get(x)!);
  const status = (s: Status | undefined | null) => (s ? [t(s.createdAt), t(s.startedAt), t(s.finishedAt), s.exitCode, s.reason] : null);
  const reserved = new Set([...Object.values(w.cri.containerNames), ...Object.values(w.cri.sandboxNames)]);
  const backoff = (id: string) => {
    const i = w.cri.backoff.findIndex((b) => b.id === id);
    const b = w.cri.backoff[i];
    return b ? [i, b.exitCode, t(b.exitedAt), b.due - w.clock.seconds, b.delay] : null;
  };
  const task = (id: string) => {
    const k = w.shim.tasks[id];
    return k ? [k.status, k.exitCode, t(k.exitedAt)] : null;
  };

  // Everything about one pod, with its label and ids left out: ids become the container's
  // position in the spec and its rank among that container's creations ("c0.1"), a sandbox's
  // rank ("s1"), a call in flight's rank ("f0").
  const podDescriptions = Object.values(w.kubelet.pods).map((pod) => {
    const sandboxIds = ledger.sandboxes.filter((s) => s.pod === pod.name).map((s) => s.id);
    const calls = w.cri.inFlight.filter((c) => c.pod === pod.name);
    const local = new Map<string, string>([
      ...sandboxIds.map((id, i): [string, string] => [id, `s${i}`]),
      ...calls.map((c, i): [string, string] => [c.id, `f${i}`]),
    ]);
    pod.containers.forEach((name, n) =>
      ledger.containers.filter((c) => c.pod === pod.name && c.name === name).forEach((c, k) => local.set(c.id, `c${n}.${k}`)),
    );
    const refusedHolder = (key: string) => {
      const refused = w.kubelet.refused[key];
      return refused ? (local.get(refused.holder) ?? "?") : null;
    };
    const sandboxes = sandboxIds.map((id) => {
      const record = w.metadata.sandboxes[id];
      return [record ? [record.attempt, t(record.createdAt)] : null, w.cri.sandboxes[id]?.state ?? null, task(id), reserved.has(id), w.disk.sandboxDirs.includes(id)];
    });
    const containers = pod.containers.map((name) => {
      const facts = ledger.containers.filter((c) => c.pod === pod.name && c.name === name);
      const described = facts.map((c) => {
        const record = w.metadata.containers[c.id];
        const cri = w.cri.containers[c.id];
        const process = w.shim.processes[c.id];
        return [
          c.attempt,
          local.get(c.sandboxId) ?? null,
          record ? [t(record.createdAt), status(record.status)] : null,
          status(w.disk.checkpoints[c.id]),
          task(c.id),
          process ? [process.state, process.exitCode] : null,
          cri ? [status(cri.status), cri.unknown, cri.exitMonitor, cri.ioClosed ?? false] : null,
          reserved.has(c.id),
          ledger.reached[c.id] ?? null,
          ledger.exitCodes[c.id] ?? null,
          backoff(c.id),
        ];
      });
      const key = `${pod.name}/${name}`;
      const kubelet = [w.kubelet.timedOut[key] ?? null, refusedHolder(key)];
      return JSON.stringify([described, [...(w.kubelet.logs[pod.name]?.[name] ?? [])].sort((a, b) => a - b), kubelet]);
    });
    const inFlight = calls.map((c) => [
      // The position among all calls in flight: they finish in that order, sharing the disk.
      w.cri.inFlight.indexOf(c),
      c.kind,
      c.containerName === "" ? null : pod.containers.indexOf(c.containerName),
      c.attempt,
      local.get(c.sandboxId) ?? null,
      w.clock.seconds - c.since,
      c.deadline - w.clock.seconds,
      c.stuck,
      c.canceled,
      reserved.has(c.id),
    ]);
    const wait = w.kubelet.waiting[pod.name];
    const worker = [
      wait ? [local.get(wait.call) ?? "?", wait.container === null ? null : pod.containers.indexOf(wait.container), wait.attempt, wait.deadline - w.clock.seconds] : null,
      w.kubelet.timedOut[pod.name] ?? null,
      refusedHolder(pod.name),
    ];
    // The pod's own hang (a dead hostPath of this pod): whether it holds every call or a number.
    const hang = w.faults.hangs.find((h) => h.pod === pod.name);
    return JSON.stringify([pod.restartPolicy, pod.deleted, sandboxes, containers, inFlight, worker, hang ? hang.calls : false]);
  });
  if (options.symmetry) podDescriptions.sort();
  const everyPod = w.faults.hangs.find((h) => h.pod === null);
  const faults = [everyPod ? everyPod.calls : false, w.faults.crash, w.faults.shim];
  const global = [w.disk.room, w.disk.free.root, w.disk.free.cri, w.disk.freelist, w.cri.phase, w.cri.error !== null, faults];
  return { key: JSON.stringify([global, podDescriptions]), stabilizer: options.symmetry ? tiesProduct(podDescriptions) : 1 };
}
