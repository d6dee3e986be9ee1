// CreateContainer (internal/cri/server/container_create.go).
import type { World } from "../world.ts";
import { now } from "../world.ts";
import { makeContainerName } from "../names.ts";
import { reserve, releaseByName } from "../registrar.ts";
import { containerRootDir, makeContainerRootDir, newContainerRecord, removeContainerRecord, removeContainerRootDir } from "../disk.ts";
import { lookupTask } from "../shim.ts";
import { containerdLog, report, say, type Ctx } from "../log.ts";
import type { ContainerFacts } from "../ledger.ts";
import { storeStatusAtCreate } from "./status-store.ts";
import { failed, ok, type CallResult } from "./call.ts";
import { beginInFlight, hangsFor, joinInFlight } from "./in-flight.ts";
import { crashedAt, diesAt } from "./crash.ts";

export interface CreateContainerRequest {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  /** The caller's context deadline, logical seconds. */
  deadline: number;
}

export function createContainer(w: World, ctx: Ctx, req: CreateContainerRequest): CallResult {
  const { id, sandboxId } = req;
  // container_create.go:CreateContainer: sandboxStore.Get.
  const sandbox = w.metadata.sandboxes[sandboxId];
  if (!w.cri.sandboxes[sandboxId] || !sandbox) return failed(`failed to find sandbox id ${JSON.stringify(sandboxId)}: not found`);
  // containerd 1.6 container_create.go: sandbox.Container.Task: the pause task must exist.
  if (lookupTask(w, sandboxId).kind === "notFound") {
    return failed(`failed to get sandbox container task: no running task found: task ${sandboxId} not found: not found`);
  }
  // container_create.go:CreateContainer: containerNameIndex.Reserve before any work.
  const name = makeContainerName(req.name, sandbox.pod, req.attempt);
  const reserved = reserve(w.cri.containerNames, name, id);
  if (!reserved.ok) {
    const holder = w.cri.containerNames[name];
    const joined = holder === undefined ? null : joinInFlight(w, ctx, holder, { kind: "createContainer", sandboxId, pod: sandbox.pod, containerName: req.name, attempt: req.attempt, deadline: req.deadline });
    if (joined) return joined;
    if (w.cri.inFlight.some((c) => c.id === holder)) report(ctx, { kind: "situation", situation: "create refused by a call in flight" });
    containerdLog(ctx, "warn", "possible concurrent CreateContainer request", reserved.error);
    return failed(
      `failed to reserve container name ${JSON.stringify(name)}; check if another CreateContainer request is in progress: ${reserved.error}`,
      holder === undefined ? {} : { conflict: { name, holder } },
    );
  }
  if (diesAt(w, ctx, "createContainer", "name-reserved")) return crashedAt("name-reserved");
  // The slow part (snapshot prepare, volume stats) waits while the storage it needs hangs.
  if (hangsFor(w, ctx, sandbox.pod)) return beginInFlight(w, ctx, { id, kind: "createContainer", name, sandboxId, pod: sandbox.pod, containerName: req.name, attempt: req.attempt, deadline: req.deadline });
  return finishCreateContainer(w, ctx, req, name);
}

/** The rest of CreateContainer once its name is reserved: every failure releases the name. */
export function finishCreateContainer(w: World, ctx: Ctx, req: CreateContainerRequest, name: string): CallResult {
  const { id, sandboxId } = req;
  const pod = w.metadata.sandboxes[sandboxId]?.pod;
  // The deferred ReleaseByName and rollback of container_create.go.
  const rollback = (error: string): CallResult => {
    releaseByName(w.cri.containerNames, name);
    say(ctx, "cri", `CreateContainer ${id} rolled back, name ${name} released`);
    return failed(error);
  };
  if (pod === undefined) return rollback(`failed to find sandbox id ${JSON.stringify(sandboxId)}: not found`);
  // container_create.go:createContainer: MkdirAll(containerRootDir); the deferred RemoveAll frees it on failure.
  const dir = makeContainerRootDir(w, ctx, id);
  if (!dir.ok) return rollback(`failed to create container root directory ${JSON.stringify(containerRootDir(id))}: ${dir.error}`);
  const rollbackDir = (error: string): CallResult => {
    removeContainerRootDir(w, ctx, id);
    return rollback(error);
  };
  // client.NewContainer: the rootfs snapshot, then the bolt record with the CRI metadata extension.
  if (w.metadata.containers[id]) return rollbackDir(`failed to create containerd container: container ${JSON.stringify(id)}: already exists`);
  const record = newContainerRecord(w, ctx, id);
  if (!record.ok) return rollbackDir(`failed to create containerd container: ${record.error}`);
  // container_create.go: Status{CreatedAt: time.Now()} once NewContainer returned, after the slow
  // work: a call that waited on the storage is stamped later than calls made after it, and the
  // kubelet, which sorts by CreatedAt (containerStatusByCreated), takes it for the newest.
  const createdAt = now(w);
  w.metadata.containers[id] = { id, name, sandboxId, pod, containerName: req.name, attempt: req.attempt, createdAt };
  say(ctx, "cri", `add container record ${id} (${name})`, "metadata");
  const facts = { id, pod, sandboxId, name: req.name, attempt: req.attempt };
  // A crash from here leaves the record in bolt: the next recover() lists the container.
  if (diesAt(w, ctx, "createContainer", "record-written")) return crashedWith(ctx, facts, "record-written");
  // containerstore.NewContainer(WithStatus): StoreStatus of the CREATED status.
  const status = { createdAt, startedAt: 0, finishedAt: 0, exitCode: 0, reason: "" };
  const stored = storeStatusAtCreate(w, ctx, id, status);
  if (!stored.ok) {
    // deferred cntr.Delete(WithSnapshotCleanup) and RemoveAll(containerRootDir).
    delete w.metadata.containers[id];
    removeContainerRecord(w);
    say(ctx, "cri", `delete container record ${id}`, "metadata");
    return rollbackDir(`failed to create internal container object for ${JSON.stringify(id)}: ${stored.error}`);
  }
  if (diesAt(w, ctx, "createContainer", "status-written")) return crashedWith(ctx, facts, "status-written");
  w.cri.containers[id] = { id, status, unknown: false, exitMonitor: false };
  report(ctx, { kind: "container created", facts });
  return ok;
}

/** containerd died after the record was written: the container exists from its next start on. */
function crashedWith(ctx: Ctx, facts: ContainerFacts, at: string): CallResult {
  report(ctx, { kind: "container created", facts });
  return crashedAt(at);
}
