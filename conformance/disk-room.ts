// disk.room on the real daemon: how many free blocks each real filesystem must have so that
// the daemon meets the nearly full disk the model meets. Pure (the model only); the harness
// makes the blocks free (disk.ts: SmallDisk.leaveFree).
//
// shared: the model itself counts blocks (disk.room N = N free blocks on the one filesystem),
// so the real filesystem gets exactly N.
// split: the model's disk.room N means "the next N writes succeed, whatever their size, and
// later ones fail; blocks freed meanwhile do not count", which no real filesystem does. The
// harness gives the root and the CRI filesystems the fewest blocks (R, C) under which the
// model, counting blocks on both filesystems from that event on (frees count, as on ext4),
// ends the trace exactly as it does with N writes: same calls, results, containers, sandboxes
// and daemon state. That is "room for exactly N of the model's writes" in the model's own
// sizes; when no (R, C) gives the same outcome (a block freed before the budget runs out is
// taken again on a real filesystem), the trace cannot run and says so.
import type { Event } from "../model/events.ts";
import type { Config } from "../model/config.ts";
import { largestWriteBlocks, type FsName } from "../model/disk.ts";
import { observe } from "../model/observe.ts";
import { produce } from "immer";
import { run, type State } from "../properties/run.ts";

export type FreeBlocks = Record<FsName, number>;
export type RoomOnDisk = { free: FreeBlocks } | { cannot: string };

/** The outcome a search compares: every call's result after the event, and the final observation. */
function outcome(from: State, rest: readonly Event[], config: Config): string {
  const calls: unknown[] = [];
  const end = run(rest, config, { log: false, from, after: ({ index, step }) => void (step.call && calls.push([index, step.call])) });
  return JSON.stringify({ calls, world: observe(end.world, end.ledger) });
}

/** The free blocks per filesystem the harness leaves for events[index], a disk.room, under `config`. */
export function roomOnDisk(events: readonly Event[], index: number, config: Config): RoomOnDisk {
  const event = events[index];
  if (event?.type !== "disk.room") throw new Error(`event #${index} is not a disk.room`);
  if (config.disk.layout === "shared") return { free: { root: event.writes, cri: 0 } };
  const at = run(events.slice(0, index + 1), config, { log: false });
  const rest = events.slice(index + 1);
  const wanted = outcome(at, rest, config);
  // No write takes more than the largest thing (model/disk.ts): enough to search.
  const most = largestWriteBlocks(config.disk) * (event.writes + 1);
  for (let sum = 0; sum <= 2 * most; sum++) {
    for (let root = Math.max(0, sum - most); root <= Math.min(sum, most); root++) {
      const free: FreeBlocks = { root, cri: sum - root };
      const counted = produce(at, (s) => {
        s.world.disk.room = null;
        s.world.disk.free = { ...free };
      });
      if (outcome(counted, rest, config) === wanted) return { free };
    }
  }
  return {
    cannot: `disk.room ${event.writes} (#${index}) on the split layout: no number of free blocks on the root and CRI filesystems gives the model's outcome of ${event.writes} more writes (a block freed before the budget is spent would be taken again on a real filesystem)`,
  };
}
