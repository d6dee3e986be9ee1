// The exhaustive checker steps its own copies of worlds in place (owned-world.ts, exhaustive.ts).
// That is sound only if the copy shares nothing with the world it copies (else a change in place
// would reach a stored state), if stepping in place ends where immer ends, and if sharing the
// unchanged parts keeps the world as it was.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { configOrThrow, onDisk, onRelease } from "../model/config.ts";
import { releaseOf } from "../model/releases.ts";
import type { Event } from "../model/events.ts";
import { advance, initialState, type State } from "./run.ts";
import { scenarioArbitrary } from "./generators.ts";
import { runScenario } from "./run-scenario.ts";
import { ownCopy, shareUnchanged } from "./owned-world.ts";

/** Disk variants, slow-call variants, both layouts and releases, each kubelet: the fields each writes. */
const configs = ["baseline/99748", "keep-task-release-name/bump-on-deadline", "long-term/pre-99748", "release-name-on-cancel/log-dir-max"].map(configOrThrow);
const shared = onRelease(onDisk(configOrThrow("keep-task-release-name/99748"), "shared"), releaseOf("1.7"));

/** Every object and array of a tree, with its path. */
function objects(value: unknown, path = "", out: [string, object][] = []): [string, object][] {
  if (typeof value !== "object" || value === null) return out;
  out.push([path, value]);
  for (const [key, v] of Object.entries(value)) objects(v, `${path}.${key}`, out);
  return out;
}

describe("the checker's own worlds", () => {
  it.each([...configs, shared].map((c) => [c.name + (c === shared ? " (shared, 1.7)" : ""), c] as const))(
    "%s: copies share no object, stepping in place ends as immer does, sharing keeps the world",
    (_name, config) => {
      const sequences: Event[][] = fc.sample(scenarioArbitrary, { numRuns: 30, seed: 15 }).map((s) => runScenario(s, config).events);
      let paths = 0;
      for (const events of sequences) {
        let immer: State = initialState();
        for (const event of events) {
          const copy = ownCopy(immer.world);
          expect(copy).toEqual(immer.world);
          const originals = new Set(objects(immer.world).map(([, o]) => o));
          const shared = objects(copy).filter(([, o]) => originals.has(o));
          expect(shared.map(([p]) => p), "objects the copy shares with the world").toEqual([]);
          paths += originals.size;
          const before = JSON.stringify(immer.world);
          // As the checker steps: in place on its own copy, made when the event first writes.
          const inPlace = advance(immer, event, config, { log: false, own: ownCopy }).state;
          expect(JSON.stringify(immer.world), "the parent's world after an event stepped on a copy").toBe(before);
          const next = advance(immer, event, config, { log: false }).state;
          expect(inPlace.world, JSON.stringify(event)).toEqual(next.world);
          expect(inPlace.ledger).toEqual(next.ledger);
          const kept = shareUnchanged(inPlace.world, immer.world);
          expect(kept).toEqual(next.world);
          // Nothing changed: the very world it was.
          if (next.world === immer.world) expect(kept).toBe(immer.world);
          immer = next;
        }
      }
      expect(paths).toBeGreaterThan(1000);
    },
  );
});
