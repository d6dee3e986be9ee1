// The event vocabulary of a trace (design.md, "Trace files"). The zod schemas are the one
// definition: the model's Event type is inferred from them and the trace loader validates
// with them, so the two can never drift apart.
import { z } from "zod";

const label = z.string().min(1, "must be a non-empty string");
const attempt = z.number().int().min(0);

export const restartPolicies = ["Always", "OnFailure", "Never"] as const;
export type RestartPolicy = (typeof restartPolicies)[number];

export const eventSchemas = {
  "pod.add": z.strictObject({
    type: z.literal("pod.add"),
    pod: label,
    containers: z.array(label).min(1),
    restartPolicy: z.enum(restartPolicies).optional(),
  }),
  "pod.delete": z.strictObject({ type: z.literal("pod.delete"), pod: label }),
  "kubelet.sync": z.strictObject({ type: z.literal("kubelet.sync"), pod: label }),
  // Added to design.md's list: one pass of the kubelet's container GC (kuberuntime_gc.go).
  "kubelet.gc": z.strictObject({ type: z.literal("kubelet.gc") }),
  "cri.runPodSandbox": z.strictObject({ type: z.literal("cri.runPodSandbox"), pod: label, id: label, attempt }),
  "cri.stopPodSandbox": z.strictObject({ type: z.literal("cri.stopPodSandbox"), id: label }),
  "cri.removePodSandbox": z.strictObject({ type: z.literal("cri.removePodSandbox"), id: label }),
  "cri.createContainer": z.strictObject({
    type: z.literal("cri.createContainer"),
    id: label,
    sandbox: label,
    name: label,
    attempt,
    command: z.array(z.string()).optional(),
  }),
  "cri.startContainer": z.strictObject({ type: z.literal("cri.startContainer"), id: label }),
  "cri.stopContainer": z.strictObject({ type: z.literal("cri.stopContainer"), id: label }),
  "cri.removeContainer": z.strictObject({ type: z.literal("cri.removeContainer"), id: label }),
  "process.exit": z.strictObject({ type: z.literal("process.exit"), id: label, code: z.number().int().min(0).max(255) }),
  "containerd.stop": z.strictObject({ type: z.literal("containerd.stop") }),
  "containerd.start": z.strictObject({ type: z.literal("containerd.start"), order: z.array(label).optional() }),
  "disk.fill": z.strictObject({ type: z.literal("disk.fill") }),
  "disk.free": z.strictObject({ type: z.literal("disk.free") }),
  // Added: a nearly full disk. The next `writes` writes succeed, every later one fails with
  // ENOSPC until disk.free (reference section 8.1 variant C: some loads succeed, some fail).
  "disk.room": z.strictObject({ type: z.literal("disk.room"), writes: z.number().int().min(0) }),
  // Added: the storage CreateContainer and RunPodSandbox wait on (snapshotter, volume mounts)
  // stops answering: from now on such a call reserves its name and then waits (#4604, #13867).
  "storage.hang": z.strictObject({ type: z.literal("storage.hang") }),
  // Added: the storage answers again: new calls go through; the calls already waiting finish
  // now ("finish", a slow call that returns late) or never return ("stuck", a stat blocked for
  // good on a dead mount: only a containerd restart ends them).
  "storage.resume": z.strictObject({ type: z.literal("storage.resume"), waiting: z.enum(["finish", "stuck"]).optional() }),
  // Added: logical time passes, so the CRI plugin's exit back-off queue retries what is due
  // (internal/cri/server/events/events.go: first retry after 1 s, doubling, at most 5 min).
  "clock.tick": z.strictObject({ type: z.literal("clock.tick"), seconds: z.number().int().min(1) }),
} as const;

export type EventType = keyof typeof eventSchemas;

export const eventSchema = z.discriminatedUnion(
  "type",
  Object.values(eventSchemas) as unknown as [
    (typeof eventSchemas)[EventType],
    ...(typeof eventSchemas)[EventType][],
  ],
);

export type Event = z.infer<typeof eventSchema>;
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;

export const traceSchema = z.strictObject({
  name: label,
  description: z.string(),
  config: z.string().optional(),
  events: z.array(z.unknown()),
});
