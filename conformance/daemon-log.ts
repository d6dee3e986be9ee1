// Reading containerd's logrus text log. A fatal CRI start leaves one line like
//   level=fatal msg="Failed to run CRI service" error="failed to recover state: ..."
// whose error value is a Go-quoted string; the observation's `error` is that value unquoted.
// Pure functions, so they are unit-testable without a daemon.

/** Unquotes a Go `%q` string starting at `text[start]` (which must be `"`). */
export function readGoQuoted(text: string, start: number): { value: string; end: number } | undefined {
  if (text[start] !== '"') return undefined;
  let out = "";
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') return { value: out, end: i + 1 };
    if (ch !== "\\") {
      out += ch;
      i++;
      continue;
    }
    const esc = text[i + 1];
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", "'": "'", a: "\x07", b: "\b", f: "\f", v: "\v" };
    if (esc !== undefined && simple[esc] !== undefined) {
      out += simple[esc];
      i += 2;
    } else if (esc === "x" || esc === "u" || esc === "U") {
      const len = esc === "x" ? 2 : esc === "u" ? 4 : 8;
      out += String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + len), 16));
      i += 2 + len;
    } else {
      out += esc ?? "";
      i += 2;
    }
  }
  return undefined;
}

/** The value of `key=` in one logfmt line, quoted or bare. */
export function logField(line: string, key: string): string | undefined {
  const re = new RegExp(`(?:^|\\s)${key}=`, "g");
  const m = re.exec(line);
  if (!m) return undefined;
  const at = m.index + m[0].length;
  if (line[at] === '"') return readGoQuoted(line, at)?.value;
  const rest = line.slice(at);
  const sp = rest.search(/\s/);
  return sp < 0 ? rest : rest.slice(0, sp);
}

/** The error of the last fatal line (`level=fatal`), or its msg when it has no error field. */
export function fatalError(log: string): string | undefined {
  let found: string | undefined;
  for (const line of log.split("\n")) {
    if (logField(line, "level") !== "fatal") continue;
    found = logField(line, "error") ?? logField(line, "msg") ?? line;
  }
  return found;
}

/** Log lines at level error whose text mentions `needle` (e.g. a container id). */
export function errorLinesMentioning(log: string, needle: string): string[] {
  return log.split("\n").filter((l) => logField(l, "level") === "error" && l.includes(needle));
}

/** The revision= of every "starting containerd" line: which binary each start ran. */
export function startedRevisions(log: string): string[] {
  return log.split("\n").flatMap((l) => (logField(l, "msg") === "starting containerd" ? [logField(l, "revision") ?? ""] : []));
}
