import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Clock, EngineOptions } from '@tangram/engine';
import { setupServer, type TestServer } from '@tangram/server/testing';

export const webRoot = resolve(import.meta.dirname, '../..');
export const distDir = resolve(webRoot, 'dist');

/** Builds the web app when there is no build yet (test:ci builds it before the tests). */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(resolve(distDir, 'index.html'))) return;
  const { build } = await import('vite');
  await build({ root: webRoot, logLevel: 'warn' });
}

export interface RunningServer {
  server: TestServer;
  url: string;
  close(): Promise<void>;
}

/**
 * The API server in-process on PGlite, serving the built web app on a loopback port (`clock`: the
 * engine's, for tests that move time; `engine`: other engine options, e.g. outbound exceptions).
 */
export async function startServer(opts: { clock?: Clock; engine?: EngineOptions } = {}): Promise<RunningServer> {
  await ensureBuilt();
  const server = await setupServer('pglite', {}, { ...opts.engine, ...(opts.clock ? { clock: opts.clock } : {}) });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}`, close: () => server.close() };
}
