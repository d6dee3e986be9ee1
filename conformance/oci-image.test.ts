import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { extract, type Header } from "tar-stream";
import { afterAll, describe, expect, it } from "vitest";
import { buildImageArchive, busyboxImage, pauseImage } from "./oci-image.ts";

async function untar(archive: Buffer): Promise<Map<string, { header: Header; data: Buffer }>> {
  const out = new Map<string, { header: Header; data: Buffer }>();
  const x = extract();
  x.end(archive);
  for await (const entry of x) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    out.set(entry.header.name, { header: entry.header, data: Buffer.concat(chunks) });
  }
  return out;
}

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

describe("the busybox OCI image archive", () => {
  const dir = mkdtempSync(join(tmpdir(), "restart-sim-image-"));
  const busybox = join(dir, "busybox");
  writeFileSync(busybox, "not really busybox");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is the same bytes every time (the layer digest must not change between runs)", async () => {
    expect((await buildImageArchive(busybox)).equals(await buildImageArchive(busybox))).toBe(true);
  });

  it("names both images in index.json and holds every blob under its digest", async () => {
    const files = await untar(await buildImageArchive(busybox));
    const index = JSON.parse(files.get("index.json")!.data.toString());
    expect(index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations["io.containerd.image.name"])).toEqual([busyboxImage, pauseImage]);
    const blob = (digest: string) => files.get(`blobs/sha256/${digest.slice(7)}`)!.data;
    const manifest = JSON.parse(blob(index.manifests[0].digest).toString());
    expect(sha256(blob(index.manifests[0].digest))).toBe(index.manifests[0].digest);
    expect(sha256(blob(manifest.config.digest))).toBe(manifest.config.digest);
    const layerTar = blob(manifest.layers[0].digest);
    expect(sha256(layerTar)).toBe(manifest.layers[0].digest);
    const layer = await untar(layerTar);
    expect(layer.get("bin/busybox")).toMatchObject({ header: { type: "file", mode: 0o755, uid: 0, gid: 0 }, data: Buffer.from("not really busybox") });
    expect(layer.get("bin/sh")?.header).toMatchObject({ type: "symlink", linkname: "busybox" });
    expect(layer.get("tmp")?.header).toMatchObject({ type: "directory", mode: 0o1777 });
    expect(layer.get("etc/hosts")?.data.length).toBe(0);
  });
});
