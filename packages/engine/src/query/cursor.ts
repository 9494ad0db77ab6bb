import { createCipheriv, createDecipheriv, createHash, randomFillSync } from 'node:crypto';
import { AppError } from '@tangram/errors';

export interface SortKey {
  column: string;
  direction: 'asc' | 'desc';
}

/** The server's key (32 bytes) and the id of the viewer the cursor is given to ('' for none). */
export interface CursorContext {
  key: Buffer;
  viewer: string;
}

/** Signatures of the sort orders seen (a plan's keys are one array reused by every page it serves). */
const signatures = new WeakMap<readonly SortKey[], string>();

function signature(keys: readonly SortKey[]): string {
  let s = signatures.get(keys);
  if (s === undefined) {
    s = createHash('sha1').update(JSON.stringify(keys)).digest('base64url').slice(0, 8);
    // Only a frozen array cannot change after its signature is taken; others are hashed each time.
    if (Object.isFrozen(keys)) signatures.set(keys, s);
  }
  return s;
}

/** Random IVs drawn from the CSPRNG 1,024 at a time (one system call per page of a list is most of its cost). */
const ivPool = Buffer.alloc(12 * 1024);
let ivNext = ivPool.length;
function randomIv(): Buffer {
  if (ivNext === ivPool.length) {
    randomFillSync(ivPool);
    ivNext = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivNext, ivNext + 12));
  ivNext += 12;
  return iv;
}

const invalid = (reason: string) => new AppError('CURSOR_INVALID', { reason });

/**
 * An opaque cursor: the sort values of the last row and a signature of the sort it belongs to.
 * With a server key it is sealed (AES-256-GCM, the sort and the viewer as associated data): a
 * cursor shows nothing of the values it carries, cannot be forged or edited, and works only for
 * the viewer it was given to and the sort it came from.
 */
export function encodeCursor(keys: readonly SortKey[], values: unknown[], ctx?: CursorContext): string {
  const plain = Buffer.from(JSON.stringify({ s: signature(keys), v: values }));
  if (!ctx) return plain.toString('base64url');
  const iv = randomIv();
  const cipher = createCipheriv('aes-256-gcm', ctx.key, iv);
  cipher.setAAD(Buffer.from(`${signature(keys)}|${ctx.viewer}`));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return `c1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

function open(keys: readonly SortKey[], cursor: string, ctx: CursorContext | undefined): unknown {
  if (!ctx) return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!cursor.startsWith('c1.')) throw invalid('not a cursor');
  const raw = Buffer.from(cursor.slice(3), 'base64url');
  if (raw.length < 29) throw invalid('not a cursor');
  const decipher = createDecipheriv('aes-256-gcm', ctx.key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(`${signature(keys)}|${ctx.viewer}`));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
  } catch {
    // The tag does not match: another sort, another viewer, another server key, or an edited cursor.
    throw invalid('the cursor belongs to another query');
  }
}

export function decodeCursor(keys: readonly SortKey[], cursor: string, ctx?: CursorContext): unknown[] {
  if (typeof cursor !== 'string' || cursor.length > 4096) throw invalid('not a cursor');
  let parsed: unknown;
  try {
    parsed = open(keys, cursor, ctx);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw invalid('not a cursor');
  }
  const p = parsed as { s?: unknown; v?: unknown };
  if (!p || p.s !== signature(keys) || !Array.isArray(p.v) || p.v.length !== keys.length) throw invalid('the cursor belongs to another sort order');
  // Values go to Postgres as parameters: text cannot hold NUL, numbers must be finite.
  if (
    !p.v.every((x) => x === null || typeof x === 'boolean' || (typeof x === 'string' && !x.includes('\u0000')) || (typeof x === 'number' && Number.isFinite(x)))
  )
    throw invalid('bad cursor values');
  return p.v;
}
