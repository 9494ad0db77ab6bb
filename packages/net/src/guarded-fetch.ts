import { AppError, isAppError } from '@tangram/errors';
import { Agent, type Dispatcher } from 'undici';
import { type Hop, type HopInit, firstHop, nextHop, redirectLocation } from './hop';
import { PinnedLookup } from './pinned-lookup';
import { HostAllowList, type Limits, type OutboundPolicy, limitsOf } from './policy';
import { type CheckedTarget, checkTarget, errorCode, parseUrl, systemResolver } from './target';

export interface GuardedRequestInit extends HopInit {
  /** The caller's own cancellation; its reason is thrown as it is. */
  signal?: AbortSignal;
}

/** A response read to its end (within the body cap). */
export interface GuardedResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
  /** The URL that answered, after redirects. */
  url: string;
  redirects: number;
  text(): string;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * The one way Tangram sends HTTP to an address a user typed (webhooks, group robots, mail
 * relays). Refuses any target that is, or resolves to, a non-public address unless the policy's
 * allowHosts names it; connects only to the addresses it checked; follows redirects itself and
 * checks every hop; bounds the time and the response body. Fails with an AppError whose code is
 * one of OUTBOUND_URL_INVALID, OUTBOUND_SCHEME_REFUSED, OUTBOUND_ADDRESS_REFUSED,
 * OUTBOUND_UNREACHABLE, OUTBOUND_TIMEOUT, OUTBOUND_TOO_LARGE, OUTBOUND_TOO_MANY_REDIRECTS; its
 * details name the host, never the response body.
 * @example
 * const res = await guardedFetch(hook.url, { method: 'POST', body, headers: { 'content-type': 'application/json' },
 *   idempotencyKey: `${eventId}:${actionIndex}` }, { allowHosts: settings.outboundAllowHosts });
 */
export async function guardedFetch(input: string | URL, init: GuardedRequestInit = {}, policy: OutboundPolicy = {}): Promise<GuardedResponse> {
  const limits = limitsOf(policy);
  const allow = new HostAllowList(policy.allowHosts);
  const resolve = policy.resolve ?? systemResolver;
  let hop = firstHop(input, init);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), limits.timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal;
  const pins = new PinnedLookup();
  const agent = new Agent({
    connect: { timeout: limits.connectTimeoutMs, lookup: pins.lookup },
    headersTimeout: limits.timeoutMs,
    bodyTimeout: limits.timeoutMs,
  });
  try {
    for (let redirects = 0; ; redirects++) {
      const target = await checkTarget(hop.url, allow, resolve, signal);
      pins.pin(target.hostname, target.addresses);
      const res = await send(agent, hop, signal);
      const headers = flattenHeaders(res.headers);
      const location = redirectLocation(res.statusCode, headers);
      if (location === undefined) {
        const body = await readCapped(res.body, headers, target, limits);
        return response(res.statusCode, headers, body, hop.url, redirects);
      }
      await res.body.dump().catch(() => undefined);
      if (redirects >= limits.maxRedirects) {
        throw new AppError(
          'OUTBOUND_TOO_MANY_REDIRECTS',
          { host: hop.url.host, limit: limits.maxRedirects },
          `More than ${limits.maxRedirects} redirects, the last from ${hop.url.host}`,
        );
      }
      hop = nextHop(hop, res.statusCode, location, init.credentialHeaders);
    }
  } catch (e) {
    throw translate(e, hop.url, deadline.signal, init.signal);
  } finally {
    clearTimeout(timer);
    await agent.destroy().catch(() => undefined);
  }
}

function send(agent: Agent, hop: Hop, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  return agent.request({
    origin: hop.url.origin,
    path: `${hop.url.pathname}${hop.url.search}`,
    method: hop.method as Dispatcher.HttpMethod,
    headers: hop.headers,
    body: hop.body,
    signal,
  });
}

/** Reads the body to its end, refusing (and dropping the connection) past the cap. */
async function readCapped(body: Dispatcher.ResponseData['body'], headers: Record<string, string>, target: CheckedTarget, limits: Limits): Promise<Uint8Array> {
  const tooLarge = () =>
    new AppError(
      'OUTBOUND_TOO_LARGE',
      { host: target.url.host, limit: limits.maxBodyBytes },
      `The response from ${target.url.host} is larger than ${limits.maxBodyBytes} bytes`,
    );
  if (Number(headers['content-length']) > limits.maxBodyBytes) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limits.maxBodyBytes) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function response(status: number, headers: Record<string, string>, body: Uint8Array, url: URL, redirects: number): GuardedResponse {
  return { status, headers, body, url: url.href, redirects, text: () => new TextDecoder().decode(body) };
}

function flattenHeaders(raw: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Every failure becomes one of the guard's codes; the caller's own abort passes through. */
function translate(e: unknown, url: URL, deadline: AbortSignal, callerSignal: AbortSignal | undefined): unknown {
  if (isAppError(e)) return e;
  if (callerSignal?.aborted) return callerSignal.reason;
  const code = errorCode(e);
  if (deadline.aborted || (code && TIMEOUT_CODES.has(code))) {
    return new AppError('OUTBOUND_TIMEOUT', { host: url.host }, `${url.host} did not answer in time`);
  }
  return new AppError('OUTBOUND_UNREACHABLE', { host: url.host, reason: code ?? 'ERROR' }, `${url.host} could not be reached`);
}

/**
 * Checks a URL the way guardedFetch checks each hop (scheme, and every address its host is or
 * resolves to) without sending anything: for refusing a webhook URL when it is saved. A URL that
 * passes may still redirect somewhere refused; guardedFetch checks that when it calls.
 * @example await checkOutboundUrl(input.url, { allowHosts }) // throws OUTBOUND_ADDRESS_REFUSED for http://10.0.0.1/
 */
export async function checkOutboundUrl(input: string | URL, policy: OutboundPolicy = {}): Promise<URL> {
  const limits = limitsOf(policy);
  const allow = new HostAllowList(policy.allowHosts);
  const url = parseUrl(input);
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  try {
    return (await checkTarget(url, allow, policy.resolve ?? systemResolver, deadline)).url;
  } catch (e) {
    throw translate(e, url, deadline, undefined);
  }
}
