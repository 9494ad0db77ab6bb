import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CursorContext, type SortKey, decodeCursor, encodeCursor } from './cursor';

const keys: SortKey[] = [
  { column: 'c_cost', direction: 'desc' },
  { column: 'id', direction: 'asc' },
];
const ctx: CursorContext = { key: randomBytes(32), viewer: 'viewer-a' };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

describe('sealed cursors', () => {
  it('round-trips the sort values for the viewer and sort they were given for', () => {
    const values = ['12345.6789', '0190a0b0-0000-7000-8000-000000000001'];
    expect(decodeCursor(keys, encodeCursor(keys, values, ctx), ctx)).toEqual(values);
  });

  it('never seals two cursors with one IV (GCM), across refills of the IV pool, frozen sort or not', () => {
    const frozen = Object.freeze(keys.map((k) => Object.freeze({ ...k })));
    const ivs = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const sort = i % 2 ? frozen : keys;
      const cursor = encodeCursor(sort, ['same', 'values'], ctx);
      ivs.add(Buffer.from(cursor.slice(3), 'base64url').subarray(0, 12).toString('hex'));
      expect(decodeCursor(sort, cursor, ctx)).toEqual(['same', 'values']);
    }
    expect(ivs.size).toBe(3000);
  });

  it('tells sort orders apart when the same array changes between pages', () => {
    const sort: SortKey[] = [{ column: 'c_a', direction: 'asc' }];
    const cursor = encodeCursor(sort, [1], ctx);
    sort[0] = { column: 'c_b', direction: 'asc' };
    expect(code(() => decodeCursor(sort, cursor, ctx))).toBe('CURSOR_INVALID');
  });

  it('shows none of the values it carries', () => {
    const secret = '13800138000';
    const cursor = encodeCursor(keys, [secret, 'x'], ctx);
    for (const view of [cursor, Buffer.from(cursor.slice(3), 'base64url').toString('latin1'), Buffer.from(cursor, 'base64').toString('latin1')])
      expect(view).not.toContain(secret);
  });

  it('refuses a cursor of another viewer, another sort, another server key or an edited one', () => {
    const cursor = encodeCursor(keys, ['1', 'x'], ctx);
    expect(code(() => decodeCursor(keys, cursor, { ...ctx, viewer: 'viewer-b' }))).toBe('CURSOR_INVALID');
    expect(code(() => decodeCursor([{ column: 'c_cost', direction: 'asc' }, keys[1] as SortKey], cursor, ctx))).toBe('CURSOR_INVALID');
    expect(code(() => decodeCursor(keys, cursor, { ...ctx, key: randomBytes(32) }))).toBe('CURSOR_INVALID');
    // (The last character's low bits may be padding, which base64 decoding ignores.)
    for (let at = 3; at < cursor.length - 1; at += 7) {
      const edited = cursor.slice(0, at) + (cursor[at] === 'A' ? 'B' : 'A') + cursor.slice(at + 1);
      expect(code(() => decodeCursor(keys, edited, ctx))).toBe('CURSOR_INVALID');
    }
  });

  it('refuses values Postgres cannot take even when sealed by the server', () => {
    for (const values of [['a'], [{ x: 1 }, 'x'], ['a\u0000', 'x'], [[1], 'x']])
      expect(code(() => decodeCursor(keys, encodeCursor(keys, values, ctx), ctx))).toBe('CURSOR_INVALID');
  });
});
