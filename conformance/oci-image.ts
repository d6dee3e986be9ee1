// The busybox image, built by hand as an OCI image-layout tar (no registry is reachable):
// one uncompressed layer holding the static /bin/busybox plus applet links, a config, a
// manifest and an index with two names for the same manifest, the container image and the
// sandbox (pause) image. `ctr images import` unpacks both (real-containerd.md, step 2).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { pack, type Header } from "tar-stream";

export const busyboxImage = "restart-sim.local/busybox:1";
export const pauseImage = "restart-sim.local/pause:1";

const applets = ["sh", "sleep", "touch", "cat", "true", "false", "echo", "test", "[", "ls", "id", "rm", "mkdir"];

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function ociArch(): string {
  if (process.arch === "x64") return "amd64";
  if (process.arch === "arm64") return "arm64";
  return process.arch;
}

type TarEntry = { header: Partial<Header> & Pick<Header, "name">; data?: Buffer };

/**
 * A tar archive of `entries`, owned by root with mtime 0, so the same entries always give
 * the same bytes and so the same layer digest.
 */
async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of archive) chunks.push(chunk as Buffer);
  })();
  for (const { header, data } of entries) {
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(err) : resolve());
      const full = { uid: 0, gid: 0, uname: "root", gname: "root", mtime: new Date(0), ...header };
      if (data) archive.entry(full, data, done);
      else archive.entry(full, done);
    });
  }
  archive.finalize();
  await collected;
  return Buffer.concat(chunks);
}

const dir = (name: string, mode = 0o755): TarEntry => ({ header: { name, type: "directory", mode } });
const file = (name: string, data: Buffer, mode = 0o644): TarEntry => ({ header: { name, type: "file", mode, size: data.length }, data });
const symlink = (name: string, target: string): TarEntry => ({ header: { name, type: "symlink", mode: 0o777, linkname: target } });

function layer(busyboxPath: string): Promise<Buffer> {
  const text = (name: string, content: string) => file(name, Buffer.from(content));
  return tarOf([
    dir("bin"),
    file("bin/busybox", readFileSync(busyboxPath), 0o755),
    ...applets.map((a) => symlink(`bin/${a}`, "busybox")),
    dir("etc"),
    text("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"),
    text("etc/group", "root:x:0:\n"),
    // Mount targets that containerd/runc bind over exist in the image, so starting a
    // container never has to create an inode on a full disk just for a mount point.
    text("etc/hosts", ""),
    text("etc/hostname", ""),
    text("etc/resolv.conf", ""),
    dir("proc"),
    dir("sys"),
    dir("dev"),
    dir("dev/shm"),
    dir("root", 0o700),
    dir("tmp", 0o1777),
    // The harness's control directory, bind-mounted from the host (run-trace.ts).
    dir("m"),
  ]);
}

/** The OCI image-layout archive, ready for `ctr -n k8s.io images import`. */
export async function buildImageArchive(busyboxPath = "/bin/busybox"): Promise<Buffer> {
  const layerTar = await layer(busyboxPath);
  const layerDigest = `sha256:${sha256(layerTar)}`;
  const config = Buffer.from(
    JSON.stringify({
      architecture: ociArch(),
      os: "linux",
      config: { Env: ["PATH=/bin"], Entrypoint: ["/bin/sleep", "2147483647"], WorkingDir: "/" },
      rootfs: { type: "layers", diff_ids: [layerDigest] }, // uncompressed: diff id = digest
    }),
  );
  const configDigest = `sha256:${sha256(config)}`;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layerDigest, size: layerTar.length }],
    }),
  );
  const manifestDigest = `sha256:${sha256(manifest)}`;
  const entry = (name: string) => ({
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    digest: manifestDigest,
    size: manifest.length,
    platform: { architecture: ociArch(), os: "linux" },
    annotations: { "io.containerd.image.name": name, "org.opencontainers.image.ref.name": name.split(":").pop() ?? "1" },
  });
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [entry(busyboxImage), entry(pauseImage)] }));
  const blob = (digest: string, data: Buffer) => file(`blobs/sha256/${digest.slice(7)}`, data);
  return tarOf([
    file("oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" }))),
    file("index.json", index),
    dir("blobs"),
    dir("blobs/sha256"),
    blob(layerDigest, layerTar),
    blob(configDigest, config),
    blob(manifestDigest, manifest),
  ]);
}
