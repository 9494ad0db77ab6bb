// Test helpers: local HTTP servers on 127.0.0.1, and a firewall that keeps every test's traffic
// on this machine even if the guard under test were broken.
import { lookup as dnsLookup } from 'node:dns';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import net from 'node:net';
import { AppError } from '@tangram/errors';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface LocalServer {
  port: number;
  /** `http://127.0.0.1:<port><path>` */
  url(path?: string): string;
  /** TCP connections accepted: 0 proves nothing reached the server, not even a handshake. */
  connections: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

type Handler = (req: SeenRequest, res: ServerResponse, server: LocalServer) => void;

/** An HTTP server on 127.0.0.1 (a free port) that records what reaches it; answers 200 "ok" by default. */
export async function startServer(handler: Handler = (_req, res) => res.end('ok')): Promise<LocalServer> {
  const sockets = new Set<net.Socket>();
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      local.requests.push(seen);
      handler(seen, res, local);
    });
  });
  http.on('connection', (socket: net.Socket) => {
    local.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as net.AddressInfo).port;
  const local: LocalServer = {
    port,
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    connections: 0,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        http.close(() => resolve());
      }),
  };
  return local;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface Attempt {
  host: string;
  port: number;
  /** What a name resolved to at connection time (names only). */
  resolved?: string[];
}

export interface Firewall {
  /** Every outgoing TCP connection this process tried while the firewall was up. */
  attempts: Attempt[];
  restore(): void;
}

const isLoopback = (a: string) => /^127\./.test(a) || a === '::1';

/**
 * Patches `net.Socket.prototype.connect` (every TCP client in Node goes through it, undici's
 * included) to record each attempt and fail any whose address is not 127.0.0.0/8 or ::1 before a
 * packet is sent. The guard's own tests assert `attempts` is empty where it must refuse; the
 * firewall is what makes a broken guard fail a test instead of reaching a real network.
 */
export function installFirewall(): Firewall {
  const original = net.Socket.prototype.connect;
  const attempts: Attempt[] = [];
  const blocked = (what: string) => Object.assign(new Error(`test firewall: ${what} is not loopback`), { code: 'ETESTFIREWALL' });
  net.Socket.prototype.connect = function patched(this: net.Socket, ...args: unknown[]) {
    const options = connectOptions(args);
    if (!options || options.path) return (original as (...a: unknown[]) => net.Socket).apply(this, args);
    const host = typeof options.host === 'string' ? options.host : 'localhost';
    const attempt: Attempt = { host, port: Number(options.port) };
    attempts.push(attempt);
    if (net.isIP(host)) {
      if (!isLoopback(host)) {
        process.nextTick(() => this.destroy(blocked(host)));
        return this;
      }
    } else {
      const inner = (options.lookup as typeof dnsLookup | undefined) ?? dnsLookup;
      options.lookup = ((hostname: string, opts: object, cb: (err: Error | null, address: unknown, family?: number) => void) =>
        inner(
          hostname,
          opts as never,
          ((err: Error | null, address: unknown, family?: number) => {
            const list = Array.isArray(address) ? address.map((a: { address: string }) => a.address) : typeof address === 'string' ? [address] : [];
            attempt.resolved = list;
            const outside = list.find((a) => !isLoopback(a));
            if (!err && outside) cb(blocked(`${hostname} → ${outside}`), Array.isArray(address) ? [] : '');
            else cb(err, address, family);
          }) as never,
        )) as never;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  return { attempts, restore: () => (net.Socket.prototype.connect = original) };
}

/** The options object of a `Socket#connect` call, in any of its forms (mutable: the lookup is swapped in place). */
function connectOptions(args: unknown[]): Record<string, unknown> | undefined {
  const first = args[0];
  if (Array.isArray(first)) return first[0] as Record<string, unknown>; // net.connect's pre-normalised arguments
  if (first && typeof first === 'object') return first as Record<string, unknown>;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const opts = { port: first, host: typeof args[1] === 'string' ? args[1] : 'localhost' };
    args.splice(0, typeof args[1] === 'string' ? 2 : 1, opts);
    return opts;
  }
  return undefined;
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}
