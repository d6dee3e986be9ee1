// internal/registrar/registrar.go: a one-to-one name <-> key index kept in memory only.
// The model stores the name -> key direction; the key -> name direction is found by scan
// (scopes are small and this keeps the two directions from ever disagreeing).

export type Registrar = Record<string, string>;

export type ReserveResult = { ok: true } | { ok: false; error: string };

/** registrar.go:Reserve. */
export function reserve(index: Registrar, name: string, key: string): ReserveResult {
  const holder = index[name];
  if (holder === key) return { ok: true };
  if (holder !== undefined) return { ok: false, error: `name ${JSON.stringify(name)} is reserved for ${JSON.stringify(holder)}` };
  const other = nameOf(index, key);
  if (other !== undefined) return { ok: false, error: `key ${JSON.stringify(key)} is reserved for ${JSON.stringify(other)}` };
  index[name] = key;
  return { ok: true };
}

/** registrar.go:ReleaseByName. */
export function releaseByName(index: Registrar, name: string): void {
  delete index[name];
}

/** registrar.go:ReleaseByKey. */
export function releaseByKey(index: Registrar, key: string): void {
  const name = nameOf(index, key);
  if (name !== undefined) delete index[name];
}

function nameOf(index: Registrar, key: string): string | undefined {
  for (const name in index) if (index[name] === key) return name;
  return undefined;
}
