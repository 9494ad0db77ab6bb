import type { Engine } from '@tangram/engine';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';

export async function healthRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  app.get('/healthz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(opts.engine.db);
      return { status: 'ok', database: opts.engine.database.backend };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });
}
