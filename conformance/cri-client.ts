// A promise-based CRI v1 RuntimeService client over a unix socket (grpc-js + the hand-written
// cri.proto). Every call carries a deadline so a wedged daemon can never hang a trace (the
// calls a trace makes take the kubelet's, as a real gRPC deadline: slow-calls.ts), and
// every failure becomes a CriError carrying the gRPC status code name and the details text,
// which is what the observation's `calls[].error` reports.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { fileURLToPath } from "node:url";

const protoPath = fileURLToPath(new URL("./cri.proto", import.meta.url));

// Loaded once per process: the definition never changes.
const packageDefinition = protoLoader.loadSync(protoPath, {
  keepCase: true, // field names exactly as in the proto (snake_case)
  longs: Number, // int64 timestamps fit a double well enough for our use
  enums: String, // states come back as "CONTAINER_RUNNING" etc.
  defaults: true, // proto3 zero values (state 0 = CREATED/READY) must be present
});
const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as {
  runtime: { v1: { RuntimeService: grpc.ServiceClientConstructor } };
};

export type ContainerStateName = "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED" | "CONTAINER_UNKNOWN";
export type SandboxStateName = "SANDBOX_READY" | "SANDBOX_NOTREADY";
export type NamespaceMode = "POD" | "CONTAINER" | "NODE" | "TARGET";

export interface NamespaceOption {
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  log_directory?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  linux?: { cgroup_parent?: string; security_context?: { namespace_options?: NamespaceOption } };
}

export interface ContainerConfig {
  metadata: { name: string; attempt: number };
  image: { image: string };
  command?: string[];
  args?: string[];
  envs?: { key: string; value: string }[];
  mounts?: { container_path: string; host_path: string; readonly?: boolean }[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  log_path?: string;
  linux?: { security_context?: { namespace_options?: NamespaceOption } };
}

export interface ListedContainer {
  id: string;
  pod_sandbox_id: string;
  metadata: { name: string; attempt: number };
  state: ContainerStateName;
  created_at: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerStatus {
  id: string;
  metadata: { name: string; attempt: number };
  state: ContainerStateName;
  created_at: number;
  started_at: number;
  finished_at: number;
  exit_code: number;
  reason: string;
  message: string;
}

export interface ListedSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: SandboxStateName;
  created_at: number;
}

/** A failed CRI call: `code` is the gRPC status name (NOT_FOUND, UNKNOWN ...). */
export class CriError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly details: string,
  ) {
    super(`${code}: ${details}`);
    this.name = "CriError";
  }
}

function statusName(code: number): string {
  // grpc.status is a numeric TS enum, so it maps numbers back to names.
  const name = (grpc.status as unknown as Record<number, string | undefined>)[code];
  return name ?? `CODE_${code}`;
}

export interface CriClientOptions {
  /** Deadline for calls without their own (ms). */
  defaultDeadlineMs?: number;
}

// Calls that may legitimately take long get longer deadlines. StopContainer with timeout 0
// still waits for the exit handler (waitContainerStop), so it gets 10 s like the rest.
const perMethodDeadlineMs: Record<string, number> = {
  RunPodSandbox: 30_000,
  CreateContainer: 30_000,
  StartContainer: 30_000,
  RemovePodSandbox: 20_000,
};

export class CriClient {
  private readonly client: grpc.Client;
  private readonly defaultDeadlineMs: number;

  constructor(socketPath: string, opts: CriClientOptions = {}) {
    this.defaultDeadlineMs = opts.defaultDeadlineMs ?? 10_000;
    this.client = new loaded.runtime.v1.RuntimeService(`unix://${socketPath}`, grpc.credentials.createInsecure(), {
      // A private subchannel pool and fast reconnects: after a daemon restart a fresh
      // client must not inherit the previous channel's connection back-off.
      "grpc.use_local_subchannel_pool": 1,
      "grpc.initial_reconnect_backoff_ms": 50,
      "grpc.min_reconnect_backoff_ms": 50,
      "grpc.max_reconnect_backoff_ms": 200,
    });
  }

  close(): void {
    this.client.close();
  }

  private call<Res>(method: string, request: object, deadlineMs?: number): Promise<Res> {
    const ms = deadlineMs ?? perMethodDeadlineMs[method] ?? this.defaultDeadlineMs;
    const fn = (this.client as unknown as Record<string, unknown>)[method];
    if (typeof fn !== "function") throw new Error(`CRI client has no method ${method}`);
    return new Promise<Res>((resolve, reject) => {
      (fn as (req: object, md: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: Res) => void) => void).call(
        this.client,
        request,
        new grpc.Metadata(),
        { deadline: new Date(Date.now() + ms) },
        (err, res) => {
          if (err) reject(new CriError(method, statusName(err.code), err.details || err.message));
          else resolve(res);
        },
      );
    });
  }

  version(deadlineMs?: number): Promise<{ version: string; runtime_name: string; runtime_version: string; runtime_api_version: string }> {
    return this.call("Version", { version: "v1" }, deadlineMs);
  }

  async runPodSandbox(config: PodSandboxConfig, deadlineMs?: number): Promise<string> {
    const res = await this.call<{ pod_sandbox_id: string }>("RunPodSandbox", { config, runtime_handler: "" }, deadlineMs);
    return res.pod_sandbox_id;
  }

  async stopPodSandbox(id: string, deadlineMs?: number): Promise<void> {
    await this.call("StopPodSandbox", { pod_sandbox_id: id }, deadlineMs);
  }

  async removePodSandbox(id: string, deadlineMs?: number): Promise<void> {
    await this.call("RemovePodSandbox", { pod_sandbox_id: id }, deadlineMs);
  }

  async podSandboxStatus(id: string): Promise<{ id: string; state: SandboxStateName; metadata: PodSandboxMetadata }> {
    const res = await this.call<{ status: { id: string; state: SandboxStateName; metadata: PodSandboxMetadata } }>(
      "PodSandboxStatus",
      { pod_sandbox_id: id, verbose: false },
    );
    return res.status;
  }

  async listPodSandbox(): Promise<ListedSandbox[]> {
    const res = await this.call<{ items: ListedSandbox[] }>("ListPodSandbox", {});
    return res.items;
  }

  async createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig, deadlineMs?: number): Promise<string> {
    const res = await this.call<{ container_id: string }>(
      "CreateContainer",
      {
        pod_sandbox_id: sandboxId,
        config,
        sandbox_config: sandboxConfig,
      },
      deadlineMs,
    );
    return res.container_id;
  }

  async startContainer(id: string, deadlineMs?: number): Promise<void> {
    await this.call("StartContainer", { container_id: id }, deadlineMs);
  }

  async stopContainer(id: string, timeoutSeconds: number, deadlineMs?: number): Promise<void> {
    await this.call("StopContainer", { container_id: id, timeout: timeoutSeconds }, deadlineMs);
  }

  async removeContainer(id: string, deadlineMs?: number): Promise<void> {
    await this.call("RemoveContainer", { container_id: id }, deadlineMs);
  }

  async listContainers(): Promise<ListedContainer[]> {
    const res = await this.call<{ containers: ListedContainer[] }>("ListContainers", {});
    return res.containers;
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const res = await this.call<{ status: ContainerStatus }>("ContainerStatus", { container_id: id, verbose: false });
    return res.status;
  }
}
