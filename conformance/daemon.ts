// One containerd process (1.6, or 1.7: containerd-1.7.ts) on our own root, state, socket and config (real-containerd.md,
// "Setup"): start it, tell "CRI ready" (Version answers) from "daemon exited" (then the
// fatal log line says why), stop it by PID with SIGTERM and record its exit code, or kill it
// with SIGKILL inside a call (a crash point: crash-points.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CriClient } from "./cri-client.ts";
import { fatalError } from "./daemon-log.ts";
import { exec, sleep } from "./exec.ts";
import { pauseImage } from "./oci-image.ts";
import { holdDirOf, holdDirVariable } from "./slow-calls.ts";

export interface DaemonPaths {
  base: string;
  /** containerd `root`: on the small filesystem that traces fill. */
  root: string;
  /** containerd `state`: its own tmpfs, like /run in production. */
  state: string;
  socket: string;
  logDir: string;
}

export function daemonPaths(base: string, mnt: string): DaemonPaths {
  return {
    base,
    root: join(mnt, "root"),
    state: join(base, "state"),
    socket: join(base, "containerd.sock"),
    logDir: join(base, "logs"),
  };
}

/**
 * containerd config, version 2. `cri: false` writes the CRI-less config used by cleanup:
 * after a #7247 fatal the CRI plugin kills the daemon, so tasks can only be removed with
 * the plugin disabled. `runc`: the runc binary the shim runs, when not the one on PATH.
 */
export function configText(p: DaemonPaths, cri: boolean, runc?: string): string {
  const q = (s: string) => JSON.stringify(s);
  const cniBin = join(p.base, "cni", "bin");
  const cniConf = join(p.base, "cni", "conf");
  const lines = [
    "version = 2",
    `root = ${q(p.root)}`,
    `state = ${q(p.state)}`,
    cri ? "" : 'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    "",
    "[grpc]",
    `  address = ${q(p.socket)}`,
    "",
    "[plugins]",
    // The opt plugin would otherwise create /opt/containerd on the host.
    '  [plugins."io.containerd.internal.v1.opt"]',
    `    path = ${q(join(p.base, "opt"))}`,
    '  [plugins."io.containerd.grpc.v1.cri"]',
    `    sandbox_image = ${q(pauseImage)}`,
    // The VM lacks CAP_SYS_RESOURCE: the sandbox's oomScoreAdj -998 would make runc fail
    // with "can't get final child's PID from pipe: EOF".
    "    restrict_oom_score_adj = true",
    "    disable_tcp_service = true",
    '    stream_server_address = "127.0.0.1"',
    '    stream_server_port = "0"',
    '    [plugins."io.containerd.grpc.v1.cri".cni]',
    `      bin_dir = ${q(cniBin)}`,
    `      conf_dir = ${q(cniConf)}`,
    '    [plugins."io.containerd.grpc.v1.cri".containerd]',
    '      snapshotter = "overlayfs"',
    '      default_runtime_name = "runc"',
    '      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
    '        runtime_type = "io.containerd.runc.v2"',
    '        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
    // runc's default root /run/containerd/runc would be shared with any system containerd.
    `          Root = ${q(join(p.state, "runc"))}`,
    ...(runc ? [`          BinaryName = ${q(runc)}`] : []),
    "",
  ];
  return lines.join("\n");
}

export type StartResult =
  | { ready: true; ms: number }
  | { ready: false; ms: number; exitCode: number | null; error: string };

export interface DaemonOptions {
  /** The containerd binary: a name on PATH or a path (a patched build). Default "containerd". */
  binary?: string;
  /** false: the CRI-less config used by cleanup (see configText). Default true. */
  cri?: boolean;
  /** Called with the pid right after the spawn, before any wait, so it can be recorded. */
  onSpawn?: (pid: number) => void;
  /** Once aborted, a start stops waiting for readiness (the process stays, for cleanup to stop). */
  abort?: AbortSignal;
  /** First on the daemon's PATH: containerd runs the first containerd-shim-runc-v2 on it (1.7 runtime/v2/shim/util.go:Command). */
  binDir?: string;
  /** The ctr of the same release, for the CRI-less daemon's readiness. Default "ctr". */
  ctr?: string;
  /** BinaryName in the runc options (see configText). */
  runc?: string;
  /** Runs the daemon through another program that execs it, e.g. into the run's mount namespace (mount-namespace.ts). */
  wrap?: (file: string, args: string[]) => { file: string; args: string[] };
}

export class ContainerdDaemon {
  private child: ChildProcess | undefined;
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  private starts = 0;
  client: CriClient | undefined;
  /** Exit codes of every stop, for the record. */
  readonly exits: { code: number | null; signal: string | null }[] = [];
  currentLog = "";
  readonly cri: boolean;

  constructor(
    readonly paths: DaemonPaths,
    private readonly opts: DaemonOptions = {},
  ) {
    this.cri = opts.cri ?? true;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  /** Spawns containerd and waits until CRI answers Version, or the process exits. */
  async start(timeoutMs = 30_000): Promise<StartResult> {
    if (this.running) throw new Error("containerd is already running");
    mkdirSync(this.paths.logDir, { recursive: true });
    for (const d of ["cni/bin", "cni/conf", "opt"]) mkdirSync(join(this.paths.base, d), { recursive: true });
    const n = this.starts++;
    const config = join(this.paths.base, this.cri ? "config.toml" : "config-nocri.toml");
    writeFileSync(config, configText(this.paths, this.cri, this.opts.runc));
    this.currentLog = join(this.paths.logDir, `containerd-${this.cri ? "" : "nocri-"}${n}.log`);
    const fd = openSync(this.currentLog, "a");
    const t0 = Date.now();
    // detached: its own process group, so a Ctrl-C on our terminal does not kill it behind
    // the harness's back; cleanup stops it by PID.
    const args = ["--config", config, "--log-level", "info"];
    const cmd = this.opts.wrap?.(this.opts.binary ?? "containerd", args) ?? { file: this.opts.binary ?? "containerd", args };
    const binDir = this.opts.binDir;
    const child = spawn(cmd.file, cmd.args, {
      detached: true,
      stdio: ["ignore", fd, fd],
      // The hold directory of the TEST-ONLY hooks (slow-calls.ts); a daemon without them ignores it.
      env: { ...process.env, ...(binDir ? { PATH: `${binDir}:${process.env.PATH ?? ""}` } : {}), [holdDirVariable]: holdDirOf(this.paths.base) },
    });
    closeSync(fd);
    if (child.pid !== undefined) this.opts.onSpawn?.(child.pid);
    this.child = child;
    this.exitInfo = undefined;
    child.on("exit", (code, signal) => {
      this.exitInfo = { code, signal };
    });
    child.on("error", (err) => {
      this.exitInfo = { code: null, signal: `spawn error: ${err.message}` };
    });
    this.client?.close();
    this.client = this.cri ? new CriClient(this.paths.socket) : undefined;

    while (Date.now() - t0 < timeoutMs) {
      if (this.opts.abort?.aborted) throw new Error("interrupted while containerd was starting");
      if (this.exitInfo) return this.failed(t0);
      if (await this.answers()) return { ready: true, ms: Date.now() - t0 };
      if (this.exitInfo) return this.failed(t0);
      await sleep(30);
    }
    throw new Error(`containerd neither became ready nor exited within ${timeoutMs} ms (log ${this.currentLog})`);
  }

  private async answers(): Promise<boolean> {
    if (this.client) {
      try {
        await this.client.version(1000);
        return true;
      } catch {
        return false;
      }
    }
    const r = await exec(this.opts.ctr ?? "ctr", ["-a", this.paths.socket, "version"], 2000);
    return r.code === 0;
  }

  private failed(t0: number): StartResult {
    const exitCode = this.exitInfo?.code ?? null;
    this.exits.push(this.exitInfo ?? { code: null, signal: null });
    const log = this.readLog();
    const error = fatalError(log) ?? `containerd exited with code ${exitCode ?? this.exitInfo?.signal}`;
    this.client?.close();
    this.client = undefined;
    return { ready: false, ms: Date.now() - t0, exitCode, error };
  }

  readLog(): string {
    try {
      return readFileSync(this.currentLog, "utf8");
    } catch {
      return "";
    }
  }

  /**
   * SIGKILL by PID, as containerd dies in a crash (an OOM kill, a panic): no deferred rollback,
   * no reply. Only the daemon's own process: its shims run in process groups of their own and
   * live on with their tasks, as the model's containerd dies (model/cri/crash.ts). The client
   * is closed after the exit: a call in flight sees the connection drop, not a closed channel.
   */
  async kill(): Promise<{ code: number | null; signal: string | null } | undefined> {
    const child = this.child;
    if (child && !this.exitInfo) {
      child.kill("SIGKILL");
      while (!this.exitInfo) await sleep(20);
      this.exits.push(this.exitInfo);
    }
    this.client?.close();
    this.client = undefined;
    return this.exitInfo;
  }

  /** SIGTERM by PID and wait for the exit (SIGKILL after `graceMs`). */
  async stop(graceMs = 15_000): Promise<{ code: number | null; signal: string | null } | undefined> {
    const child = this.child;
    this.client?.close();
    this.client = undefined;
    if (!child || this.exitInfo) return this.exitInfo;
    child.kill("SIGTERM");
    const end = Date.now() + graceMs;
    while (!this.exitInfo && Date.now() < end) await sleep(20);
    if (!this.exitInfo) {
      child.kill("SIGKILL");
      while (!this.exitInfo) await sleep(20);
    }
    this.exits.push(this.exitInfo);
    return this.exitInfo;
  }
}
