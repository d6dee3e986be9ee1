// A counterexample as a mermaid sequence diagram: one lane per part, one block per trace event
// (headed by the event), each part's log line as an arrow (a message to another part) or a
// note (an action of its own), the lines the real containerd logs on a yellow band, every
// other event on a grey one, and the event at which the property breaks on a red band that
// ends with the violation.
import type { Config } from "../../model/config.ts";
import type { Event } from "../../model/events.ts";
import { parts, type LogLine, type Part } from "../../model/log.ts";
import type { Property } from "../../properties/invariants.ts";
import { replay } from "../../properties/replay.ts";
import { describeEvent } from "../timeline.ts";

export interface Breaking {
  /** Index of the event after which the property is violated. */
  event: number;
  property: Property;
  message: string;
}

const laneNames: Record<Part, string> = { kubelet: "kubelet", cri: "CRI plugin", shim: "shim", disk: "disk", metadata: "metadata" };
const lastLane = parts[parts.length - 1]!;
const allLanes = `${parts[0]},${lastLane}`;
export const breakingBand = "rgba(239, 68, 68, 0.16)";
const containerdLogBand = "rgba(234, 179, 8, 0.2)";
const oddEventBand = "rgba(100, 116, 139, 0.08)";

/**
 * Text for a message or a note. In mermaid's sequence grammar `#` and `;` end the text and
 * `<`, `>`, `"`, `&` are HTML to its renderer; each is written as mermaid's entity code
 * (`#59;`), which it draws as the character itself.
 */
export function mermaidText(text: string): string {
  return text.replace(/[#;<>"&]/g, (c) => `#${c.charCodeAt(0)};`);
}

/**
 * A text broken into lines of at most `width` characters, at spaces, and inside a longer word
 * (a path) after its last `/` that fits, else at the limit. The diagrams wrap their text here
 * rather than with mermaid's `wrap`, which cuts long words through the entity codes of
 * mermaidText and draws `"` as `"-` and `;`.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line: string | null = null;
  for (const word of text.split(" ")) {
    for (const [i, piece] of splitWord(word, width).entries()) {
      // Pieces of one word join without a space; a new word needs one.
      const joined: string = line === null ? piece : `${line}${i === 0 ? " " : ""}${piece}`;
      if (line !== null && joined.length > width) {
        lines.push(line);
        line = piece;
      } else {
        line = joined;
      }
    }
  }
  if (line !== null) lines.push(line);
  return lines;
}

function splitWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = word;
  while (rest.length > width) {
    const slash = rest.lastIndexOf("/", width - 1);
    const cut = slash >= width / 3 ? slash + 1 : width;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  return [...pieces, rest];
}

/** Lines of a message or note, as mermaid text: line breaks are mermaid's `<br/>`. */
const label = (text: string, width: number) => wrapText(text, width).map(mermaidText).join("<br/>");

/** Characters per line: about what one lane's width holds, and the whole diagram's. */
const laneChars = 30;
const spanChars = 80;

/** A successful checkpoint write follows every status change; drawn, it would double a diagram's height and say nothing. */
function isChatter(line: LogLine): boolean {
  return line.routine === true;
}

function drawLine(line: LogLine): string[] {
  if (line.level) {
    const over = line.part === lastLane ? line.part : `${line.part},${lastLane}`;
    return [`rect ${containerdLogBand}`, `Note over ${over}: ${label(`containerd logs level=${line.level} ${line.text}`, spanChars)}`, "end"];
  }
  if (!line.to) return [`Note over ${line.part}: ${label(line.text, laneChars)}`];
  // A message to a part left of its sender (in lane order) is a reply, drawn dashed.
  const arrow = parts.indexOf(line.to) < parts.indexOf(line.part) ? "-->>" : "->>";
  return [`${line.part}${arrow}${line.to}: ${label(line.text, laneChars)}`];
}

export function sequenceDiagram(events: readonly Event[], config: Config, breaking: Breaking): string {
  const out = ["sequenceDiagram", ...parts.map((p) => `participant ${p} as ${mermaidText(laneNames[p])}`)];
  for (const entry of replay(events, config).timeline) {
    const block = [
      `Note over ${allLanes}: ${label(`[${entry.index}] ${describeEvent(entry.event)}`, spanChars)}`,
      ...entry.log.filter((line) => !isChatter(line)).flatMap(drawLine),
    ];
    if (entry.index === breaking.event) {
      out.push(`rect ${breakingBand}`, ...block, `Note over ${allLanes}: ${label(`✗ ${breaking.property} breaks here: ${breaking.message}`, spanChars)}`, "end");
    } else {
      // Every other event on a faint band, so that where one event's actions end is plain.
      out.push(...(entry.index % 2 === 1 ? [`rect ${oddEventBand}`, ...block, "end"] : block));
    }
  }
  return `${out.join("\n")}\n`;
}
