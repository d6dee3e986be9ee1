// Numeric command-line options, shared by the commands so that every one rejects bad numbers
// with the same one-line BadInput (exit 2).
import { fail } from "./exit.ts";

export function intInRange(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  if (!Number.isSafeInteger(n) || n < min || n > max) fail(`${flag}: expected an integer ${range}, got ${JSON.stringify(text)}`);
  return n;
}

export function positiveInt(flag: string, text: string): number {
  return intInRange(flag, text, 1);
}

/** A fast-check seed; `fallback` when the option was not given. */
export function seedOption(text: string | undefined, fallback: number): number {
  const seed = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(seed)) fail(`--seed: expected an integer, got ${JSON.stringify(text)}`);
  return seed;
}
