// The busybox image, built by hand as an OCI image-layout tar (no registry is reachable):
// one uncompressed layer holding the static /bin/busybox plus applet links, a config, a
// manifest and an index with two names for the same manifest, the container image and the
// sandbox (pause) image. `ctr images import` unpacks both (real-containerd.md, step 2).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { makeTar, type TarEntry } from "./tar.ts";

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

function layer(busyboxPath: string): Buffer {
  const file = (name: string, text: string): TarEntry => ({ kind: "file", name, data: Buffer.from(text) });
  const entries: TarEntry[] = [
    { kind: "dir", name: "bin" },
    { kind: "file", name: "bin/busybox", data: readFileSync(busyboxPath), mode: 0o755 },
    ...applets.map((a): TarEntry => ({ kind: "symlink", name: `bin/${a}`, target: "busybox" })),
    { kind: "dir", name: "etc" },
    file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"),
    file("etc/group", "root:x:0:\n"),
    // Mount targets that containerd/runc bind over exist in the image, so starting a
    // container never has to create an inode on a full disk just for a mount point.
    file("etc/hosts", ""),
    file("etc/hostname", ""),
    file("etc/resolv.conf", ""),
    { kind: "dir", name: "proc" },
    { kind: "dir", name: "sys" },
    { kind: "dir", name: "dev" },
    { kind: "dir", name: "dev/shm" },
    { kind: "dir", name: "root", mode: 0o700 },
    { kind: "dir", name: "tmp", mode: 0o1777 },
    // The harness's control directory, bind-mounted from the host (run-trace.ts).
    { kind: "dir", name: "m" },
  ];
  return makeTar(entries);
}

/** The OCI image-layout archive, ready for `ctr -n k8s.io images import`. */
export function buildImageArchive(busyboxPath = "/bin/busybox"): Buffer {
  const layerTar = layer(busyboxPath);
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
  const blob = (digest: string, data: Buffer): TarEntry => ({ kind: "file", name: `blobs/sha256/${digest.slice(7)}`, data });
  return makeTar([
    { kind: "file", name: "oci-layout", data: Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })) },
    { kind: "file", name: "index.json", data: index },
    { kind: "dir", name: "blobs" },
    { kind: "dir", name: "blobs/sha256" },
    blob(layerDigest, layerTar),
    blob(configDigest, config),
    blob(manifestDigest, manifest),
  ]);
}
