// A minimal ustar writer: enough for one image layer and an OCI image-layout archive
// (directories, regular files, symlinks; names under 100 bytes). Written here because the
// project has no tar dependency and the image must be built without a registry.

export type TarEntry =
  | { kind: "dir"; name: string; mode?: number }
  | { kind: "file"; name: string; data: Buffer; mode?: number }
  | { kind: "symlink"; name: string; target: string };

const block = 512;

function octal(value: number, width: number): string {
  // width includes the trailing NUL.
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function header(name: string, mode: number, size: number, type: string, linkname: string): Buffer {
  if (Buffer.byteLength(name) > 99) throw new Error(`tar name too long: ${name}`);
  const h = Buffer.alloc(block, 0);
  h.write(name, 0, 100, "utf8");
  h.write(octal(mode, 8), 100, 8, "ascii");
  h.write(octal(0, 8), 108, 8, "ascii"); // uid root
  h.write(octal(0, 8), 116, 8, "ascii"); // gid root
  h.write(octal(size, 12), 124, 12, "ascii");
  h.write(octal(0, 12), 136, 12, "ascii"); // mtime 0: the layer digest is reproducible
  h.write("        ", 148, 8, "ascii"); // checksum placeholder: 8 spaces while summing
  h.write(type, 156, 1, "ascii");
  h.write(linkname, 157, 100, "utf8");
  h.write("ustar\0", 257, 6, "ascii");
  h.write("00", 263, 2, "ascii");
  h.write("root", 265, 32, "ascii");
  h.write("root", 297, 32, "ascii");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
  return h;
}

export function makeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.kind === "dir") {
      const name = e.name.endsWith("/") ? e.name : `${e.name}/`;
      parts.push(header(name, e.mode ?? 0o755, 0, "5", ""));
    } else if (e.kind === "symlink") {
      parts.push(header(e.name, 0o777, 0, "2", e.target));
    } else {
      parts.push(header(e.name, e.mode ?? 0o644, e.data.length, "0", ""));
      parts.push(e.data);
      const pad = (block - (e.data.length % block)) % block;
      if (pad) parts.push(Buffer.alloc(pad, 0));
    }
  }
  parts.push(Buffer.alloc(2 * block, 0)); // end-of-archive marker
  return Buffer.concat(parts);
}
