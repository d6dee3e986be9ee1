// Numeric command-line options, shared by the commands so that every one rejects bad numbers
// with the same one-line BadInput (exit 2).
import { fail } from "./exit.ts";

export function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) fail(`${flag}: expected a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

/** A fast-check seed; `fallback` when the option was not given. */
export function seedOption(text: string | undefined, fallback: number): number {
  const seed = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(seed)) fail(`--seed: expected an integer, got ${JSON.stringify(text)}`);
  return seed;
}
