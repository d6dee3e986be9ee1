// What a container's task holds on the node while it exists, read off the world (containerd
// 1.6.20, runtime/v2): a place in its pod's shim, the rootfs mount, the IO FIFOs and the task's
// work dir. A task that stays after its process exited holds all of them for a container that
// is gone: the leak maintainers know from #7496 / #8931 (events.go:handleContainerExit).
import type { World } from "./world.ts";
import { taskWorkDirBlocks, type DiskConfig } from "./disk.ts";

/** One container's task and what it holds. */
export interface TaskResources {
  id: string;
  /** The shim process serving it: the runc v2 shim groups a pod's tasks by sandbox id. */
  shim: string;
  /** Its process exited: the task is held for a container that already exited. */
  exited: boolean;
  /**
   * The rootfs stays mounted while the task exists: runtime/v2/runc/container.go:NewContainer
   * mounts it (mount.All), pkg/process/init.go:Init.delete and runtime/v2/bundle.go:Bundle.Delete
   * unmount it (mount.UnmountAll) when the task is deleted. Its snapshot cannot be removed either:
   * container.go:Delete refuses a container that has a task.
   */
  rootfsMounted: true;
  /**
   * The stdout/stderr FIFOs stay open (pkg/process/init.go:Init.delete closes p.io); they live in
   * the CRI plugin's volatile dir on the state tmpfs (pkg/cri/io/helpers.go:newFifos), no disk blocks.
   */
  ioOpen: true;
  /** Blocks on containerd's root filesystem: the task's work dir (runtime/v2/bundle.go:NewBundle). */
  blocks: number;
}

/** Every container task in the shims (a sandbox's pause task is not a container's). */
function containerTasks(w: World, disk: DiskConfig): TaskResources[] {
  return Object.entries(w.shim.tasks).flatMap(([id, task]) => {
    const record = w.metadata.containers[id];
    if (!record) return [];
    return [{ id, shim: record.sandboxId, exited: task.status === "stopped", rootfsMounted: true, ioOpen: true, blocks: taskWorkDirBlocks(disk) }];
  });
}

/** What is held for containers that already exited. */
export interface HeldForExited {
  /** Their stopped tasks: each holds a rootfs mount and open FIFOs. */
  tasks: string[];
  mounts: number;
  /**
   * Shim processes alive only for them: every task the shim still serves has exited (a runc v2
   * shim exits only once it serves none, runtime/v2/runc/task/service.go:Shutdown).
   */
  shims: number;
  /** Blocks their task work dirs keep from being freed. */
  blocks: number;
}

export function heldForExited(w: World, disk: DiskConfig): HeldForExited {
  const held = containerTasks(w, disk).filter((t) => t.exited);
  const busy = new Set<string>();
  for (const [id, task] of Object.entries(w.shim.tasks)) {
    if (task.status === "stopped") continue;
    busy.add(w.metadata.containers[id]?.sandboxId ?? id);
  }
  const shims = new Set(held.map((t) => t.shim).filter((shim) => !busy.has(shim)));
  return { tasks: held.map((t) => t.id), mounts: held.length, shims: shims.size, blocks: held.reduce((sum, t) => sum + t.blocks, 0) };
}
