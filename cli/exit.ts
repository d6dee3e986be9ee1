// Exit codes of restart-sim (design.md): 0 every property holds, 1 a property is violated,
// 2 bad input or usage. Bad input is reported as one line, never a stack trace.
export const exitCodes = { holds: 0, violated: 1, badInput: 2 } as const;

export class BadInput extends Error {}

export function fail(message: string): never {
  throw new BadInput(message);
}
