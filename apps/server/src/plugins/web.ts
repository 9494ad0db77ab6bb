import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where the built web app is: TANGRAM_WEB_DIST, else apps/web/dist beside this server. */
export function webDist(): string {
  return process.env.TANGRAM_WEB_DIST ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist');
}

/**
 * Serves the built web app (apps/web) when it has been built: its files, and index.html for
 * every other GET that is not the API or the API docs, so the app's own routes load on reload.
 */
export async function webApp(app: FastifyInstance, opts: { root?: string } = {}): Promise<void> {
  const root = opts.root ?? webDist();
  if (!existsSync(resolve(root, 'index.html'))) return;
  await app.register(fastifyStatic, { root, wildcard: false, index: ['index.html'], maxAge: 0 });
  app.get('/*', (req, reply) => {
    // The routed path, not req.url: an absolute-form target (`GET http://host/api/…`) routes here too.
    const path = `/${(req.params as { '*'?: string })['*'] ?? ''}`;
    if (path.startsWith('/api/') || path === '/api' || path.startsWith('/docs') || path.startsWith('/assets/')) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
