// The Debian archive apt already uses on this host (its bookworm `Types: deb` entry under
// /etc/apt/sources.list.d/*.sources): the source package of 1.6.20 and trixie's 1.7 binaries
// come from the same mirror, with the same keyring.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface DebianArchive {
  uri: string;
  signedBy: string | undefined;
}

export function debianArchive(): DebianArchive {
  const dir = "/etc/apt/sources.list.d";
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".sources"))) {
    for (const stanza of readFileSync(join(dir, f), "utf8").split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      if (!uri || !/^Types:.*\bdeb\b/m.test(stanza) || !suites.includes("bookworm")) continue;
      return { uri, signedBy: /^Signed-By:\s*(\S+)/m.exec(stanza)?.[1] };
    }
  }
  throw new Error("no apt source for Debian bookworm under /etc/apt/sources.list.d/*.sources");
}
