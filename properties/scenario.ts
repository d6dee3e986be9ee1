// A random scenario: pods, then commands that refer to containers by position rather than by
// id (an id would pin the create that made it and block shrinking). Commands are resolved
// into concrete trace events against the world as it is when they run.
import type { Event } from "../model/events.ts";
import type { World } from "../model/world.ts";
import type { State } from "./run.ts";

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

export type Command =
  | { do: "sync"; pod: number }
  /** The newest running process of that container of that pod exits. */
  | { do: "exit"; pod: number; container: number; code: number }
  | { do: "stop" }
  | { do: "start" }
  | { do: "fill" }
  | { do: "free" }
  | { do: "room"; writes: number }
  | { do: "tick"; seconds: number }
  | { do: "gc" }
  | { do: "hang" }
  | { do: "resume"; waiting: "finish" | "stuck" }
  /** A concrete event, as in a known bug trace. */
  | { do: "event"; event: Event };

export interface Scenario {
  pods: PodSpec[];
  commands: Command[];
}

/** The pods' pod.add events, which open every scenario. */
export function podEvents(pods: readonly PodSpec[]): Event[] {
  return pods.map((p) => ({ type: "pod.add", pod: p.name, containers: [...p.containers] }));
}

/** Positions wrap around, so every generated position names a pod of the scope. */
function podAt(pods: readonly PodSpec[], position: number): PodSpec | undefined {
  return pods[position % Math.max(1, pods.length)];
}

/** The concrete events of one command in this world; none when it does not apply. */
export function resolve(command: Command, pods: readonly PodSpec[], { world: w, ledger }: State): Event[] {
  switch (command.do) {
    case "sync": {
      const pod = podAt(pods, command.pod);
      return pod ? [{ type: "kubelet.sync", pod: pod.name }] : [];
    }
    case "exit": {
      const pod = podAt(pods, command.pod);
      const name = pod?.containers[command.container % pod.containers.length];
      if (!pod || !name) return [];
      const target = ledger.containers.findLast((c) => c.pod === pod.name && c.name === name && w.shim.tasks[c.id]?.status === "running");
      return target ? [{ type: "process.exit", id: target.id, code: command.code }] : [];
    }
    case "stop":
      return [{ type: "containerd.stop" }];
    case "start":
      return [{ type: "containerd.start" }];
    case "fill":
      return [{ type: "disk.fill" }];
    case "free":
      return [{ type: "disk.free" }];
    case "room":
      return [{ type: "disk.room", writes: command.writes }];
    case "tick":
      return [{ type: "clock.tick", seconds: command.seconds }];
    case "gc":
      return [{ type: "kubelet.gc" }];
    case "hang":
      return [{ type: "storage.hang" }];
    case "resume":
      return [{ type: "storage.resume", waiting: command.waiting }];
    case "event":
      return [command.event];
  }
}

/** How many kubelet syncs per pod the healing suffix allows. */
export const healingSyncRounds = 3;

/**
 * The faults stop: the disk has room, the storage answers again for new calls (a call still
 * waiting on it never returns: only a restart would end it), containerd is started, enough
 * time passes for every deadline and exit back-off retry (the queue's delay is at most 5 min),
 * and the kubelet syncs every pod it knows a few times, with a GC pass before the last round.
 * `converges` is checked after these events.
 */
export function healingEvents(w: World): Event[] {
  const rounds = Array.from({ length: healingSyncRounds - 1 }, () => syncEvents(w)).flat();
  return [
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
