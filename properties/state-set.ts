// The states the exhaustive checker has stored, by the 64-bit hash of their fingerprint: an
// open-addressing table of state numbers, and per state its hash, its parent's number and how
// it was reached from the parent, in typed arrays (no string or object per state).
//
// Two different fingerprints with the same hash would merge two states, and the checker would
// not explore the second. With a uniform 64-bit hash, the chance that any two of n stored states
// collide is at most n^2 / 2^65: 2.7e-6 at 10^7 states, 2.7e-8 at 10^6. The hash is not a
// cryptographic one, so that figure is checked rather than assumed: the states whose hash falls
// in a sample (1 in 64 of the hash space) keep their whole fingerprint, and every lookup that
// lands on one compares the whole fingerprints; a collision there throws.
import type { Fingerprint } from "./fingerprint.ts";
import { fingerprintText } from "./fingerprint.ts";

/** Two 32-bit lanes mixed into each other (murmur3's multipliers, cyrb53's finish): 64 bits. */
export function hash64(flat: readonly number[]): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    h1 = Math.imul(h1 ^ v, 0x9e3779b1);
    h2 = Math.imul(h2 ^ v, 0x5f356495);
    h1 = (h1 << 13) | (h1 >>> 19);
    h2 = (h2 << 17) | (h2 >>> 15);
  }
  h1 ^= flat.length;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ (h2 >>> 7);
  return [h1 >>> 0, h2 >>> 0];
}

const sampled = (lo: number) => (lo & 63) === 0;
/** The first slot to probe for a hash, in a table of mask + 1 slots. */
const firstSlot = (hi: number, lo: number, mask: number) => (lo ^ Math.imul(hi, 0x27d4eb2d)) & mask;

export class StateSet {
  /** Slot -> state number + 1 (0: empty). */
  private slots = new Int32Array(1 << 16);
  private hi = new Int32Array(1 << 12);
  private lo = new Int32Array(1 << 12);
  private parents = new Int32Array(1 << 12);
  private hows = new Int32Array(1 << 12);
  /** Whole fingerprints of the sampled states, by state number. */
  private readonly texts = new Map<number, string>();
  size = 0;
  /** Lookups that landed on a sampled state and compared whole fingerprints. */
  verified = 0;

  /**
   * Stores the state unless an equal one is stored: its number, or -1 when it was there.
   * `parent` is the parent's number (-1 for the root), `how` how the parent reached it.
   */
  add(print: Fingerprint, parent: number, how: number): number {
    const [h, l] = hash64(print.flat);
    const mask = this.slots.length - 1;
    for (let slot = firstSlot(h, l, mask); ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]! - 1;
      if (held < 0) break;
      if (this.hi[held] !== (h | 0) || this.lo[held] !== (l | 0)) continue;
      const text = this.texts.get(held);
      if (text !== undefined) {
        this.verified++;
        if (text !== fingerprintText(print)) throw new Error(`fingerprint hash collision: two different states share the hash ${h.toString(16)}:${l.toString(16)}`);
      }
      return -1;
    }
    const n = this.size++;
    if (n === this.hi.length) this.grow();
    this.hi[n] = h;
    this.lo[n] = l;
    this.parents[n] = parent;
    this.hows[n] = how;
    if (sampled(l)) this.texts.set(n, fingerprintText(print));
    if (this.size * 2 > this.slots.length) this.rehash();
    else this.place(n);
    return n;
  }

  parent(n: number): number {
    return this.parents[n]!;
  }

  how(n: number): number {
    return this.hows[n]!;
  }

  private place(n: number): void {
    const mask = this.slots.length - 1;
    let slot = firstSlot(this.hi[n]!, this.lo[n]!, mask);
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = n + 1;
  }

  private grow(): void {
    const bigger = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.hi = bigger(this.hi);
    this.lo = bigger(this.lo);
    this.parents = bigger(this.parents);
    this.hows = bigger(this.hows);
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let n = 0; n < this.size; n++) this.place(n);
  }
}
