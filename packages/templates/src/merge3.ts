/** Where a three-way merge found both sides changing the same thing differently. */
export interface Conflict {
  /** A JSON-pointer-like path with keyed items shown by key: `/objects[opportunity]/fields[stage]/label`. */
  path: string;
  base: unknown;
  ours: unknown;
  theirs: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .filter((k) => v[k] !== undefined)
        .map((k) => [k, canonical(v[k])]),
    );
  return v;
}

export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** An item's stable key in a list: its `id`, or (select options) its `key`. */
function keyOf(item: unknown): string | undefined {
  if (!isObject(item)) return undefined;
  if (typeof item.id === 'string') return item.id;
  if (typeof item.key === 'string') return item.key;
  return undefined;
}

const keyed = (v: unknown): v is unknown[] => Array.isArray(v) && v.every((x) => keyOf(x) !== undefined);

/**
 * Merges two changes of one JSON document made from the same base: what only one side changed
 * is taken from that side; lists of items with an `id` (or a `key`) merge item by item, so
 * each side's additions survive; where both changed the same value differently, `ours` is kept
 * and a conflict is reported. Used to upgrade a template under a tenant's customisations:
 * base = the old version as installed, ours = the tenant's metadata, theirs = the new version.
 */
export function merge3(base: unknown, ours: unknown, theirs: unknown, path = '', conflicts: Conflict[] = []): { value: unknown; conflicts: Conflict[] } {
  return { value: mergeValue(base, ours, theirs, path, conflicts), conflicts };
}

function mergeValue(base: unknown, ours: unknown, theirs: unknown, path: string, conflicts: Conflict[]): unknown {
  if (same(ours, theirs)) return ours;
  if (same(base, ours)) return theirs;
  if (same(base, theirs)) return ours;
  if (isObject(ours) && isObject(theirs) && (base === undefined || isObject(base))) return mergeObject(base ?? {}, ours, theirs, path, conflicts);
  if (keyed(ours) && keyed(theirs) && (base === undefined || keyed(base))) return mergeList(base ?? [], ours, theirs, path, conflicts);
  conflicts.push({ path: path || '/', base, ours, theirs });
  return ours;
}

function mergeObject(base: Record<string, unknown>, ours: Record<string, unknown>, theirs: Record<string, unknown>, path: string, conflicts: Conflict[]) {
  const out: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(theirs), ...Object.keys(ours)])) {
    const v = mergeValue(base[k], ours[k], theirs[k], `${path}/${k}`, conflicts);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function mergeList(base: unknown[], ours: unknown[], theirs: unknown[], path: string, conflicts: Conflict[]): unknown[] {
  const index = (list: unknown[]) => new Map(list.map((x) => [keyOf(x) as string, x]));
  const b = index(base);
  const o = index(ours);
  const t = index(theirs);
  // Their order, with items only we have kept after the item they followed in our list.
  const order = [...t.keys()];
  let previous: string | undefined;
  for (const k of o.keys()) {
    if (!t.has(k)) order.splice(previous === undefined ? order.length : order.indexOf(previous) + 1, 0, k);
    previous = k;
  }
  const out: unknown[] = [];
  for (const k of order) {
    const [bi, oi, ti] = [b.get(k), o.get(k), t.get(k)];
    const at = `${path}[${k}]`;
    if (bi !== undefined && oi === undefined) {
      // Removed by us: stays removed, unless they changed it meanwhile.
      if (!same(bi, ti)) conflicts.push({ path: at, base: bi, ours: undefined, theirs: ti });
      continue;
    }
    if (bi !== undefined && ti === undefined) {
      // Removed by them: removed, unless we changed it.
      if (same(bi, oi)) continue;
      conflicts.push({ path: at, base: bi, ours: oi, theirs: undefined });
      out.push(oi);
      continue;
    }
    out.push(mergeValue(bi, oi, ti, at, conflicts));
  }
  return out;
}
