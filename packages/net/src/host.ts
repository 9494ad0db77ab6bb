import { isIP } from 'node:net';
import { AppError, isAppError } from '@tangram/errors';
import { HostAllowList, type OutboundPolicy, type ResolvedAddress, limitsOf } from './policy';
import { checkTarget, errorCode, systemResolver } from './target';

/** A host and port the guard checked: connect to `addresses` and nothing else. */
export interface CheckedHost {
  /** The host as given (IPv6 without brackets), for TLS server names. */
  hostname: string;
  port: number;
  addresses: ResolvedAddress[];
}

/**
 * Checks a host and port for a connection that is not HTTP (an SMTP server) exactly as
 * guardedFetch checks an HTTP host: an IP literal in any spelling, or every address a name
 * resolves to, must be public unless the policy's allowHosts names `host` or `host:port`.
 * Fails with OUTBOUND_URL_INVALID (not a host), OUTBOUND_ADDRESS_REFUSED or OUTBOUND_UNREACHABLE.
 * @example const { addresses } = await checkOutboundHost('smtp.example.com', 465, { allowHosts })
 */
export async function checkOutboundHost(host: string, port: number, policy: OutboundPolicy = {}): Promise<CheckedHost> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (!bare || /[\s/?#@\\]/.test(bare) || (bare.includes(':') && isIP(bare) !== 6) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AppError('OUTBOUND_URL_INVALID', { host: host.slice(0, 255), port }, 'Not a host name or IP address and port');
  }
  let url: URL;
  try {
    url = new URL(`http://${isIP(bare) === 6 ? `[${bare}]` : bare}:${port}/`);
  } catch {
    throw new AppError('OUTBOUND_URL_INVALID', { host: host.slice(0, 255), port }, 'Not a host name or IP address and port');
  }
  const deadline = AbortSignal.timeout(limitsOf(policy).timeoutMs);
  try {
    const t = await checkTarget(url, new HostAllowList(policy.allowHosts), policy.resolve ?? systemResolver, deadline);
    return { hostname: t.hostname, port, addresses: t.addresses };
  } catch (e) {
    if (isAppError(e)) throw e;
    throw new AppError('OUTBOUND_UNREACHABLE', { host: url.host, reason: errorCode(e) ?? 'DNS' }, `${url.host} could not be resolved`);
  }
}
