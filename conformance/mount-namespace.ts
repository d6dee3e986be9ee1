// A private mount namespace for one run's daemons, in which a directory of the run is
// bind-mounted over /run/containerd. containerd 1.6 and 1.7 put shim sockets in
// /run/containerd/s whatever --state says (1.7 runtime/v2/shim/util_unix.go:SocketAddress,
// `socketRoot = defaults.DefaultStateDir`); inside the namespace they land in the run's dir,
// never in the host's (containerd-1.7.md).
//
// The namespace is held by one process (`sleep infinity`, its argv[0] naming the run's base,
// so that teardown's search for the run's processes finds it) and every daemon start of the
// run enters it with nsenter: a restarted daemon sees the mounts its shims made, as on a host.
// Nothing pins it but its processes: once the holder, the daemons and their shims are dead,
// the kernel drops the namespace and every mount made in it (sandbox shm, container rootfs),
// so the run's usual teardown (kill the run's processes, then unmount, then detach loops)
// removes it too, after a kill of the harness as well; "no process of the run is left" is
// the check that it is gone. (Not its inode number: a later namespace, of any run, may get
// the same one once it is gone.)
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { poll } from "./exec.ts";
import { isAlive } from "./host.ts";

/** Where containerd's compile-time state dir is, which the namespace hides. */
export const runContainerd = "/run/containerd";

export class RunContainerdNamespace {
  private constructor(
    /** The holder: `nsenter --target <pid> --mount` enters the namespace. */
    readonly pid: number,
  ) {}

  /**
   * Makes the namespace for the run in `base`. `onSpawn` gets the holder's pid before any
   * wait, so it can be recorded and killed even if the harness dies right after.
   */
  static async create(base: string, onSpawn: (pid: number) => void): Promise<RunContainerdNamespace> {
    // What shims see as /run/containerd: removed with the base.
    const dir = join(base, "run-containerd");
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    // The mount point must exist. Creating it is the only change on the host's /run; the
    // run's record lists it among the dirs it may create (environment.ts: outsideDirs).
    mkdirSync(runContainerd, { recursive: true, mode: 0o711 });
    const holderName = join(base, "mount-namespace");
    const log = openSync(join(base, "mount-namespace.log"), "a");
    // unshare execs bash, which execs sleep: one pid from spawn to the end.
    const child = spawn(
      "unshare",
      ["--mount", "--propagation", "private", "--", "bash", "-c", 'mount --bind "$1" "$2" && exec -a "$0" sleep infinity', holderName, dir, runContainerd],
      { detached: true, stdio: ["ignore", log, log] },
    );
    closeSync(log);
    const pid = child.pid;
    if (pid === undefined) throw new Error("could not spawn unshare for the run's mount namespace");
    onSpawn(pid);
    child.unref();
    const ready = await poll(() => {
      if (!isAlive(pid)) return false;
      return argv(pid)[0] === holderName ? true : undefined;
    }, 10_000);
    if (ready !== true) {
      const why = readFileSync(join(base, "mount-namespace.log"), "utf8").trim();
      throw new Error(`the run's mount namespace did not come up${why ? `: ${why}` : ""}`);
    }
    return new RunContainerdNamespace(pid);
  }

  /** The argv that runs `command` inside the namespace (nsenter execs it: same pid). */
  wrap(command: string, args: string[]): { file: string; args: string[] } {
    if (!isAlive(this.pid)) throw new Error(`the run's mount namespace is gone (holder pid ${this.pid} exited)`);
    return { file: "nsenter", args: [`--target=${this.pid}`, "--mount", "--", command, ...args] };
  }
}

function argv(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}
