// What the real-daemon run needs from the host, checked before anything is mounted or started.
import { execFileSync } from "node:child_process";

const tools = ["containerd", "ctr", "runc", "mkfs.ext4", "losetup", "mount", "flock"];

function has(tool: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Why the real containerd cannot be run here, or null when it can. */
export function missingPrerequisites(): string | null {
  if (process.getuid?.() !== 0) return "the real-containerd run needs root (it mounts filesystems and starts containerd)";
  const missing = tools.filter((t) => !has(t));
  if (missing.length > 0) return `missing tools: ${missing.join(", ")} (apt-get install containerd runc busybox-static e2fsprogs util-linux)`;
  return null;
}
