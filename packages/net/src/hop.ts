import { parseUrl } from './target';

/** One request the guard is about to send: the first, or one a redirect asked for. */
export interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
}

/** The header an idempotency key travels in, on every hop. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** The header `signBody`'s value travels in. */
export const SIGNATURE_HEADER = 'tangram-signature';

/** Headers that prove who the caller is: never sent on to another origin by a redirect. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', SIGNATURE_HEADER];
/** Headers that describe a body: dropped with the body when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location', 'content-length'];
/** Headers the HTTP client writes itself. */
const CLIENT_HEADERS = ['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer'];

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface HopInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  idempotencyKey?: string;
  /** More header names to treat as credentials (dropped on a redirect to another origin). */
  credentialHeaders?: readonly string[];
}

export function firstHop(input: string | URL, init: HopInit): Hop {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    if (!CLIENT_HEADERS.includes(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  if (init.idempotencyKey !== undefined) headers[IDEMPOTENCY_HEADER] = init.idempotencyKey;
  const body = typeof init.body === 'string' ? new TextEncoder().encode(init.body) : init.body;
  return withUserinfoAsAuthorization({ url: parseUrl(input), method: (init.method ?? 'GET').toUpperCase(), headers, body });
}

/** The Location of a redirect response, or undefined when the response is the answer. */
export function redirectLocation(status: number, headers: Record<string, string>): string | undefined {
  return REDIRECT_STATUSES.has(status) ? headers.location : undefined;
}

/**
 * The request a redirect asks for, as fetch does it: 303 (and 301/302 after a POST) become a GET
 * without body; 307/308 repeat method and body. Credentials stay with their origin.
 */
export function nextHop(previous: Hop, status: number, location: string, credentialHeaders: readonly string[] = []): Hop {
  const url = parseUrl(location, previous.url);
  const headers = { ...previous.headers };
  let { method, body } = previous;
  if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    method = 'GET';
    body = undefined;
    for (const name of BODY_HEADERS) delete headers[name];
  }
  if (url.origin !== previous.url.origin) {
    for (const name of [...CREDENTIAL_HEADERS, ...credentialHeaders.map((h) => h.toLowerCase())]) delete headers[name];
  }
  return withUserinfoAsAuthorization({ url, method, headers, body });
}

/** `https://user:pass@host/` → an Authorization header; the user info itself is never sent on. */
function withUserinfoAsAuthorization(hop: Hop): Hop {
  if (!hop.url.username && !hop.url.password) return hop;
  const credentials = `${decodeURIComponent(hop.url.username)}:${decodeURIComponent(hop.url.password)}`;
  const url = new URL(hop.url);
  url.username = '';
  url.password = '';
  return { ...hop, url, headers: { ...hop.headers, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } };
}
