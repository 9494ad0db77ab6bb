import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppError } from '@tangram/errors';
import { classifyAddress } from './address';
import type { HostAllowList, ResolvedAddress, Resolver } from './policy';

/** A URL whose scheme and every address were checked: connect to `addresses` and nothing else. */
export interface CheckedTarget {
  url: URL;
  /** The host name as the socket layer sees it (IPv6 without brackets). */
  hostname: string;
  addresses: ResolvedAddress[];
}

/** Parses a URL with the WHATWG parser (which rewrites every IPv4 spelling to dotted decimal). */
export function parseUrl(input: string | URL, base?: URL): URL {
  try {
    return new URL(input, base);
  } catch {
    throw new AppError('OUTBOUND_URL_INVALID', {}, 'The outbound URL is not a valid URL');
  }
}

/**
 * Checks a URL before anything is sent: scheme http or https, and the host — an IP literal, or
 * every address a name resolves to — public, unless the allow list names the host.
 */
export async function checkTarget(url: URL, allow: HostAllowList, resolve: Resolver, signal: AbortSignal): Promise<CheckedTarget> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('OUTBOUND_SCHEME_REFUSED', { scheme: url.protocol.slice(0, -1) }, `Only http and https may be called, not ${url.protocol.slice(0, -1)}`);
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(hostname);
  const addresses = literal ? [{ address: hostname, family: literal as 4 | 6 }] : await resolveAll(url, hostname, resolve, signal);
  if (!allow.allows(url)) {
    for (const { address } of addresses) {
      const cls = classifyAddress(address);
      if (cls !== 'public') {
        throw new AppError(
          'OUTBOUND_ADDRESS_REFUSED',
          { host: url.host, class: cls },
          `Outbound calls to ${url.host} are refused: it is or resolves to a ${cls} address`,
        );
      }
    }
  }
  return { url, hostname, addresses };
}

async function resolveAll(url: URL, hostname: string, resolve: Resolver, signal: AbortSignal): Promise<ResolvedAddress[]> {
  let addresses: ResolvedAddress[];
  try {
    addresses = await abortable(resolve(hostname), signal);
  } catch (e) {
    if (signal.aborted) throw e;
    throw new AppError('OUTBOUND_UNREACHABLE', { host: url.host, reason: errorCode(e) ?? 'DNS' }, `${url.host} could not be resolved`);
  }
  if (!addresses.length) throw new AppError('OUTBOUND_UNREACHABLE', { host: url.host, reason: 'ENOTFOUND' }, `${url.host} could not be resolved`);
  return addresses;
}

/** The system resolver: every A and AAAA record, /etc/hosts included. */
export const systemResolver: Resolver = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
