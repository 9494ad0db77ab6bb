import type { DraftEdit } from '@tangram/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireDesigner } from '../plugins/auth';
import { actionContext, tenantOf } from '../plugins/tenant';

const revisionParams = { type: 'object', required: ['tenant', 'id'], properties: { tenant: { type: 'string' }, id: { type: 'integer', minimum: 1 } } } as const;

/**
 * Metadata: the draft being designed, its dry run, publishing, revisions, diffs and rollback.
 * Everything that changes metadata needs the designer permission (tenant admins have it).
 */
export async function metadataRoutes(app: FastifyInstance): Promise<void> {
  const base = '/api/v1/t/:tenant/metadata';

  app.get(base, async (req) => {
    const t = await tenantOf(req);
    const revisions = await t.schema.revisions();
    return { revision: revisions[0]?.id ?? 0, metadata: (await t.schema.current()) ?? { objects: [] } };
  });

  app.get(`${base}/draft`, async (req) => {
    requireDesigner(req);
    const t = await tenantOf(req);
    return t.schema.draft();
  });

  app.put(
    `${base}/draft`,
    {
      schema: { body: { type: 'object', required: ['metadata'], properties: { metadata: { type: 'object' }, baseRevision: { type: 'integer', minimum: 0 } } } },
    },
    async (req) => {
      requireDesigner(req);
      const t = await tenantOf(req);
      const body = req.body as { metadata: unknown; baseRevision?: number };
      return t.schema.saveDraft(body.metadata, body.baseRevision, actionContext(req).actor ?? null);
    },
  );

  // Draft edits: one object or field at a time, as a designer works (renames keep the column).
  const edit = (toEdit: (req: FastifyRequest) => DraftEdit) => async (req: FastifyRequest) => {
    requireDesigner(req);
    const t = await tenantOf(req);
    return t.schema.editDraft(toEdit(req), actionContext(req).actor ?? null);
  };
  type P = { object: string; field: string };
  const objectBody = { body: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 63 } } } } as const;
  const changes = { body: { type: 'object', maxProperties: 30 } } as const;
  app.post(
    `${base}/draft/objects`,
    { schema: objectBody },
    edit((req) => ({ op: 'object.add', object: req.body as Record<string, unknown> })),
  );
  app.patch(
    `${base}/draft/objects/:object`,
    { schema: changes },
    edit((req) => ({ op: 'object.update', object: (req.params as P).object, changes: req.body as Record<string, unknown> })),
  );
  app.delete(
    `${base}/draft/objects/:object`,
    edit((req) => ({ op: 'object.remove', object: (req.params as P).object })),
  );
  app.post(
    `${base}/draft/objects/:object/fields`,
    { schema: objectBody },
    edit((req) => ({ op: 'field.add', object: (req.params as P).object, field: req.body as Record<string, unknown> })),
  );
  app.patch(
    `${base}/draft/objects/:object/fields/:field`,
    { schema: changes },
    edit((req) => ({ op: 'field.update', object: (req.params as P).object, field: (req.params as P).field, changes: req.body as Record<string, unknown> })),
  );
  app.delete(
    `${base}/draft/objects/:object/fields/:field`,
    edit((req) => ({ op: 'field.remove', object: (req.params as P).object, field: (req.params as P).field })),
  );

  // acceptRounding: the designer accepts that type changes round stored values (otherwise refused).
  const acceptRounding = { type: 'boolean' } as const;
  app.post(`${base}/plan`, { schema: { body: { type: 'object', properties: { metadata: { type: 'object' }, acceptRounding } } } }, async (req) => {
    requireDesigner(req);
    const t = await tenantOf(req);
    const body = req.body as { metadata?: unknown; acceptRounding?: boolean };
    return t.schema.plan(body.metadata ?? (await t.schema.draft()).metadata, { acceptRounding: body.acceptRounding });
  });

  app.post(
    `${base}/publish`,
    {
      schema: {
        body: {
          type: 'object',
          properties: {
            metadata: { type: 'object' },
            message: { type: 'string', maxLength: 500 },
            baseRevision: { type: 'integer', minimum: 0 },
            acceptRounding,
          },
        },
      },
    },
    async (req, reply) => {
      requireDesigner(req);
      const t = await tenantOf(req);
      const body = req.body as { metadata?: unknown; message?: string; baseRevision?: number; acceptRounding?: boolean };
      const opts = { actor: req.actor ?? null, message: body.message, acceptRounding: body.acceptRounding };
      const rev =
        body.metadata === undefined ? await t.schema.publishDraft(opts) : await t.schema.publish(body.metadata, { ...opts, baseRevision: body.baseRevision });
      return reply.status(201).send({ id: rev.id, createdAt: rev.createdAt, message: rev.message, steps: rev.steps });
    },
  );

  app.get(`${base}/revisions`, async (req) => {
    const t = await tenantOf(req);
    return { revisions: await t.schema.revisions() };
  });

  app.get(`${base}/revisions/:id`, { schema: { params: revisionParams } }, async (req) => {
    const t = await tenantOf(req);
    return t.schema.revision((req.params as { id: number }).id);
  });

  app.get(
    `${base}/revisions/:id/diff`,
    { schema: { params: revisionParams, querystring: { type: 'object', properties: { from: { type: 'integer', minimum: 0 } } } } },
    async (req) => {
      const t = await tenantOf(req);
      const id = (req.params as { id: number }).id;
      const from = (req.query as { from?: number }).from ?? id - 1;
      return { from, to: id, steps: await t.schema.diff(from, id) };
    },
  );

  app.post(`${base}/revisions/:id/rollback`, { schema: { params: revisionParams } }, async (req, reply) => {
    requireDesigner(req);
    const t = await tenantOf(req);
    const rev = await t.schema.rollback((req.params as { id: number }).id, { actor: req.actor ?? null });
    return reply.status(201).send({ id: rev.id, createdAt: rev.createdAt, message: rev.message, steps: rev.steps });
  });
}
