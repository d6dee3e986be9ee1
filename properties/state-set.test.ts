// The checker's state set: equal fingerprints are one state, different ones are not, across
// the table's growth; a lookup that lands on a sampled state compares the whole fingerprints.
import { describe, expect, it } from "vitest";
import { StateSet, hash64 } from "./state-set.ts";

const print = (...flat: number[]) => ({ flat, stabilizer: 1 });

describe("StateSet", () => {
  it("stores each distinct fingerprint once, through growth and rehashing", () => {
    const set = new StateSet();
    const n = 200_000;
    const numbers = Array.from({ length: n }, (_, i) => set.add(print(i % 7, i, -i), i - 1, i));
    expect(numbers.every((k, i) => k === i)).toBe(true);
    const again = Array.from({ length: n / 100 }, (_, i) => set.add(print((i * 100) % 7, i * 100, -i * 100), 0, 0));
    expect(again.every((k) => k === -1)).toBe(true);
    expect(set.size).toBe(n);
    expect(set.parent(12345)).toBe(12344);
    expect(set.how(12345)).toBe(12345);
    // A sample of the lookups above landed on sampled states and compared whole fingerprints.
    expect(set.verified).toBeGreaterThan(0);
  });

  it("hashes lists that differ only in order or length apart", () => {
    const seen = new Set<string>();
    for (const flat of [[1, 2], [2, 1], [1, 2, 0], [0, 1, 2], [], [0], [-0x80000000]]) seen.add(hash64(flat).join(":"));
    expect(seen.size).toBe(7);
  });
});
