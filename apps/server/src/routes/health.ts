import type { Engine } from '@tangram/engine';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { route } from '../openapi/declare';

export async function healthRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: route({
        operationId: 'health',
        summary: 'Is the server up and its database reachable',
        tags: ['health'],
        public: true,
        // Fixed shapes: serialised by fastify with them.
        response: {
          200: { type: 'object', required: ['status', 'database'], properties: { status: { const: 'ok' }, database: { type: 'string' } } },
          503: { description: 'The database is unreachable', type: 'object', required: ['status'], properties: { status: { const: 'unavailable' } } },
        },
      }),
    },
    async (_req, reply) => {
      try {
        await sql`select 1`.execute(opts.engine.db);
        return { status: 'ok', database: opts.engine.database.backend };
      } catch {
        return reply.status(503).send({ status: 'unavailable' });
      }
    },
  );
}
