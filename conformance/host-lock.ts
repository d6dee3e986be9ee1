// One conformance run on the host at a time. Two at once interfere: a run's loop mounts were
// kept alive by another run's private mount namespace (a copy of the host's mount table made
// while they were mounted, containerd 1.7's runs), and a run's stale-run cleanup must not
// race another run's setup. The lock is flock(2) on a file under /run/lock, taken for the
// whole run and never released by hand: the kernel drops it when the process dies, however
// it dies, so a SIGKILLed run never blocks the next one (which then cleans up after it).
import { spawn, spawnSync } from "node:child_process";
import { constants, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";

export const hostLockPath = "/run/lock/restart-sim-conformance.lock";

/** The open file the lock is on: kept open until the process exits (never closed). */
let held: number | undefined;

/**
 * Takes the host-wide lock, waiting (with one progress line) while another run holds it.
 * Node has no flock(2): the `flock` tool locks our open file description through an inherited
 * fd and exits; the lock belongs to the description, so it stays held by our fd. Node opens
 * files close-on-exec, so no daemon or shim we start inherits it and keeps it past our death.
 */
export async function takeHostLock(say: (line: string) => void, path = hostLockPath): Promise<void> {
  if (held !== undefined) return;
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  const flock = (wait: boolean) => ["-x", ...(wait ? [] : ["-n"]), "3"];
  const stdio = ["ignore", "ignore", "pipe", fd] as const;
  const now = spawnSync("flock", flock(false), { stdio: [...stdio] });
  if (now.error) throw now.error;
  if (now.status !== 0 && now.status !== 1) throw new Error(`flock ${path} failed (exit ${now.status}): ${now.stderr.toString().trim()}`);
  if (now.status === 1) {
    const holder = readFileSync(path, "utf8").trim() || "unknown";
    say(`waiting for another conformance run (pid ${holder}) to finish: ${path} is locked`);
    const t0 = Date.now();
    const waiter = spawn("flock", flock(true), { stdio: [...stdio] });
    // A waiter left behind by our exit (a signal while waiting) would take the lock for nothing.
    const stop = () => waiter.kill();
    process.on("exit", stop);
    const code = await new Promise<number | null>((resolve, reject) => {
      waiter.on("error", reject);
      waiter.on("exit", (c) => resolve(c));
    });
    process.off("exit", stop);
    if (code !== 0) throw new Error(`flock ${path} failed (exit ${code})`);
    say(`got the conformance lock after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  held = fd;
  // Who holds it, for the next run's waiting line.
  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`, 0);
}
