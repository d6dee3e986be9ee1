// A random scenario: pods, then commands (commands.ts) resolved into concrete trace events
// against the state as it is when they run, then the healing suffix.
import type { Event } from "../model/events.ts";
import type { World } from "../model/world.ts";
import type { Command } from "./commands.ts";

export interface PodSpec {
  name: string;
  containers: string[];
}

/** Labels of the pods and containers of generated scopes. */
export const podNames = ["p", "q", "r"] as const;
export const containerNames = ["c", "d", "e"] as const;

/** The i-th pod of a scope, with its first n containers. */
export function podSpec(i: number, n: number): PodSpec {
  return { name: podNames[i]!, containers: containerNames.slice(0, n) };
}

export interface Scenario {
  pods: PodSpec[];
  commands: Command[];
}

/** The pods' pod.add events, which open every scenario. */
export function podEvents(pods: readonly PodSpec[]): Event[] {
  return pods.map((p) => ({ type: "pod.add", pod: p.name, containers: [...p.containers] }));
}

/** How many kubelet syncs per pod the healing suffix allows. */
export const healingSyncRounds = 3;

/**
 * The faults stop: no crash point or shim failure stays armed, the disk has room, the storage
 * answers again for new calls (a call still
 * waiting on it never returns: only a restart would end it), containerd is started, enough
 * time passes for every deadline and exit back-off retry (the queue's delay is at most 5 min),
 * and the kubelet syncs every pod it knows a few times, with a GC pass before the last round.
 * `converges` is checked after these events.
 */
export function healingEvents(w: World): Event[] {
  const rounds = Array.from({ length: healingSyncRounds - 1 }, () => syncEvents(w)).flat();
  const armed = w.faults.crash !== null || w.faults.shim.length > 0;
  return [
    ...(armed ? [{ type: "faults.disarm" } as const] : []),
    { type: "disk.free" },
    { type: "storage.resume", waiting: "stuck" },
    { type: "containerd.start" },
    { type: "clock.tick", seconds: 600 },
    ...rounds,
    { type: "kubelet.gc" },
    ...syncEvents(w),
  ];
}

/** Then a clean restart, as on any upgrade: what is in bolt is loaded again and must load. */
export function cleanRestartEvents(w: World): Event[] {
  return [{ type: "containerd.stop" }, { type: "containerd.start" }, ...syncEvents(w)];
}

function syncEvents(w: World): Event[] {
  return Object.values(w.kubelet.pods)
    .filter((p) => !p.deleted)
    .map((p) => ({ type: "kubelet.sync", pod: p.name }));
}
