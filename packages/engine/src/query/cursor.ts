import { createHash } from 'node:crypto';
import { AppError } from '@tangram/errors';

export interface SortKey {
  column: string;
  direction: 'asc' | 'desc';
}

function signature(keys: SortKey[]): string {
  return createHash('sha1').update(JSON.stringify(keys)).digest('base64url').slice(0, 8);
}

/** An opaque cursor: the sort values of the last row and a signature of the sort it belongs to. */
export function encodeCursor(keys: SortKey[], values: unknown[]): string {
  return Buffer.from(JSON.stringify({ s: signature(keys), v: values })).toString('base64url');
}

export function decodeCursor(keys: SortKey[], cursor: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('CURSOR_INVALID', { reason: 'not a cursor' });
  }
  const p = parsed as { s?: unknown; v?: unknown };
  if (!p || p.s !== signature(keys) || !Array.isArray(p.v) || p.v.length !== keys.length)
    throw new AppError('CURSOR_INVALID', { reason: 'the cursor belongs to another sort order' });
  // Values go to Postgres as parameters: text cannot hold NUL, numbers must be finite.
  if (
    !p.v.every((x) => x === null || typeof x === 'boolean' || (typeof x === 'string' && !x.includes('\u0000')) || (typeof x === 'number' && Number.isFinite(x)))
  )
    throw new AppError('CURSOR_INVALID', { reason: 'bad cursor values' });
  return p.v;
}
