import { AppError } from '@tangram/errors';

/** One address a name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to every address it has (A and AAAA). The default is the system resolver
 * (`dns.lookup` with `all: true`, so /etc/hosts counts: `localhost` is loopback); tests and a
 * deployment with its own DNS may pass another.
 */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/**
 * How outbound HTTP may go. Everything has a safe default: no internal address, 5 redirects,
 * 5 s to connect, 15 s in all, 1 MiB of response body.
 * @example guardedFetch(url, {}, { allowHosts: ['crm.internal', '10.0.0.7:8443'] })
 */
export interface OutboundPolicy {
  /**
   * An admin's exceptions: hosts that may be reached although they are, or resolve to, a refused
   * address. `host` allows every port, `host:port` that port only; compared exactly (no wildcard),
   * after the URL parser's normalisation (lower case, canonical IP: `0x7f000001` is `127.0.0.1`,
   * IPv6 in brackets: `[::1]:8080`).
   */
  allowHosts?: readonly string[];
  /** Redirects followed before OUTBOUND_TOO_MANY_REDIRECTS (default 5; 0 follows none). */
  maxRedirects?: number;
  /** Time to open a connection, TLS included (default 5,000 ms). */
  connectTimeoutMs?: number;
  /** Time for the whole call: every hop's DNS, connection, request and response body (default 15,000 ms). */
  timeoutMs?: number;
  /** Response body bytes read before OUTBOUND_TOO_LARGE (default 1 MiB). */
  maxBodyBytes?: number;
  /** Name resolution (default: the system resolver). */
  resolve?: Resolver;
}

export interface Limits {
  maxRedirects: number;
  connectTimeoutMs: number;
  timeoutMs: number;
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxRedirects: 5,
  connectTimeoutMs: 5_000,
  timeoutMs: 15_000,
  maxBodyBytes: 1024 * 1024,
};

export function limitsOf(policy: OutboundPolicy): Limits {
  return {
    maxRedirects: policy.maxRedirects ?? DEFAULT_LIMITS.maxRedirects,
    connectTimeoutMs: policy.connectTimeoutMs ?? DEFAULT_LIMITS.connectTimeoutMs,
    timeoutMs: policy.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
    maxBodyBytes: policy.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes,
  };
}

/** An allowHosts entry, normalised: `port` undefined allows every port. */
interface AllowedHost {
  hostname: string;
  port: number | undefined;
}

/** Decides whether an admin allowed a URL's host. Invalid entries are reported all at once. */
export class HostAllowList {
  private readonly entries: AllowedHost[];

  constructor(allowHosts: readonly string[] = []) {
    const problems: { code: 'VALIDATION_FAILED'; field: string; path: string; message: string }[] = [];
    this.entries = [];
    allowHosts.forEach((entry, i) => {
      const parsed = parseEntry(entry);
      if (parsed) this.entries.push(parsed);
      else problems.push({ code: 'VALIDATION_FAILED', field: 'allowHosts', path: `/allowHosts/${i}`, message: `Not a host or host:port: ${entry}` });
    });
    if (problems.length) throw AppError.problems('VALIDATION_FAILED', problems);
  }

  allows(url: URL): boolean {
    const port = effectivePort(url);
    return this.entries.some((e) => e.hostname === url.hostname && (e.port === undefined || e.port === port));
  }
}

export function effectivePort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

const ENTRY = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/;

function parseEntry(entry: string): AllowedHost | undefined {
  const trimmed = entry.trim();
  // A bare IPv6 address (`::1`) has colons but no brackets: all of it is the host.
  const m = ENTRY.exec(trimmed) ?? (trimmed.includes(':') ? ENTRY.exec(`[${trimmed}]`) : null);
  if (!m?.[1]) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  try {
    const url = new URL(`http://${m[1]}/`);
    return url.hostname ? { hostname: url.hostname, port } : undefined;
  } catch {
    return undefined;
  }
}
