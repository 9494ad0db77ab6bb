import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures. The value of the `Tangram-Signature` header is `t=<unix seconds>,v1=<hex>`
 * where `<hex>` is the lower-case hex HMAC-SHA256, keyed with the webhook's secret, of the bytes
 * `<unix seconds>.<body>` (the timestamp as decimal digits, a full stop, then the raw body exactly
 * as sent). The timestamp is signed so an old request cannot be replayed later; a receiver checks
 * it is recent (5 minutes by default) and compares in constant time. Several `v1=` entries may
 * appear while a secret is being rotated: one matching is enough.
 */

/**
 * The signature header value for a body sent at `timestamp` (unix seconds, or a Date).
 * @example headers['tangram-signature'] = signBody(hook.secret, json, new Date())
 */
export function signBody(secret: string, body: string | Uint8Array, timestamp: number | Date): string {
  const t = typeof timestamp === 'number' ? Math.floor(timestamp) : Math.floor(timestamp.getTime() / 1000);
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

export interface VerifyOptions {
  /** The receiver's clock (default: now). */
  now?: Date;
  /** How old (or how far in the future) the timestamp may be (default 300 s). */
  toleranceSeconds?: number;
}

/**
 * Whether `header` is a valid signature of `body` with one of `secrets`, made within the tolerance.
 * @example if (!verifySignature(secret, rawBody, req.headers['tangram-signature'])) reply.code(401)
 */
export function verifySignature(
  secrets: string | readonly string[],
  body: string | Uint8Array,
  header: string | undefined,
  options: VerifyOptions = {},
): boolean {
  const parsed = parseHeader(header ?? '');
  if (!parsed) return false;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - parsed.t) > (options.toleranceSeconds ?? 300)) return false;
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  return keys.some((secret) => {
    const expected = Buffer.from(hmac(secret, parsed.t, body), 'hex');
    return parsed.v1.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  });
}

function hmac(secret: string, t: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

function parseHeader(header: string): { t: number; v1: Buffer[] } | undefined {
  let t: number | undefined;
  const v1: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) v1.push(Buffer.from(value, 'hex'));
  }
  return t === undefined || !v1.length ? undefined : { t, v1 };
}
