import type { DraftEdit } from '@tangram/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireDesigner } from '../plugins/auth';
import { type Schema, route } from '../openapi/declare';
import { Draft, Plan, PlannedStep, Published, PublishedRevision, Revision, RevisionSummary, tenantParams } from '../openapi/schemas';
import { actionContext, tenantOf } from '../plugins/tenant';

const revisionParams = {
  type: 'object',
  required: ['tenant', 'id'],
  properties: { tenant: { type: 'string' }, id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
} as const;
const objectParams = { type: 'object', required: ['tenant', 'object'], properties: { tenant: { type: 'string' }, object: { type: 'string' } } } as const;
const fieldParams = {
  type: 'object',
  required: ['tenant', 'object', 'field'],
  properties: { ...objectParams.properties, field: { type: 'string' } },
} as const;
const tags = ['metadata'];
const ok = (description: string, schema: Schema) => ({ 200: { description, schema } });
/** Any metadata document as a body (checked by the engine, which names the problems). */
const metadataBody = { type: 'object', additionalProperties: true } as const;

/**
 * Metadata: the draft being designed, its dry run, publishing, revisions, diffs and rollback.
 * Everything that changes metadata needs the designer permission (tenant admins have it).
 */
export async function metadataRoutes(app: FastifyInstance): Promise<void> {
  const base = '/metadata';

  app.get(
    base,
    {
      schema: route({
        operationId: 'getMetadata',
        summary: 'The published metadata and its revision',
        tags,
        params: tenantParams,
        responses: ok('Published', Published),
      }),
    },
    async (req) => {
      const t = await tenantOf(req);
      const revisions = await t.schema.revisions();
      return { revision: revisions[0]?.id ?? 0, metadata: (await t.schema.current()) ?? { objects: [] } };
    },
  );

  app.get(
    `${base}/draft`,
    { schema: route({ operationId: 'getDraft', summary: 'The draft being designed', tags, params: tenantParams, responses: ok('The draft', Draft) }) },
    async (req) => {
      requireDesigner(req);
      const t = await tenantOf(req);
      return t.schema.draft();
    },
  );

  app.put(
    `${base}/draft`,
    {
      schema: route({
        operationId: 'saveDraft',
        summary: 'Save the draft as typed (even invalid)',
        tags,
        params: tenantParams,
        body: { type: 'object', required: ['metadata'], properties: { metadata: metadataBody, baseRevision: { type: 'integer', minimum: 0 } } },
        responses: ok('Saved', Draft),
      }),
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
  const named = { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 63 } } } as const;
  const changes = { type: 'object', maxProperties: 30 } as const;
  const draftEdit = (operationId: string, summary: string, params: Schema, body?: Schema) =>
    route({ operationId, summary, tags, params, ...(body ? { body } : {}), responses: ok('The draft', Draft) });
  app.post(
    `${base}/draft/objects`,
    { schema: draftEdit('addDraftObject', 'Add an object to the draft', tenantParams, named) },
    edit((req) => ({ op: 'object.add', object: req.body as Record<string, unknown> })),
  );
  app.patch(
    `${base}/draft/objects/:object`,
    { schema: draftEdit('updateDraftObject', 'Change an object of the draft (a rename keeps the table)', objectParams, changes) },
    edit((req) => ({ op: 'object.update', object: (req.params as P).object, changes: req.body as Record<string, unknown> })),
  );
  app.delete(
    `${base}/draft/objects/:object`,
    { schema: draftEdit('removeDraftObject', 'Remove an object from the draft', objectParams) },
    edit((req) => ({ op: 'object.remove', object: (req.params as P).object })),
  );
  app.post(
    `${base}/draft/objects/:object/fields`,
    { schema: draftEdit('addDraftField', 'Add a field to an object of the draft', objectParams, named) },
    edit((req) => ({ op: 'field.add', object: (req.params as P).object, field: req.body as Record<string, unknown> })),
  );
  app.patch(
    `${base}/draft/objects/:object/fields/:field`,
    { schema: draftEdit('updateDraftField', 'Change a field of the draft (a rename keeps the column)', fieldParams, changes) },
    edit((req) => ({ op: 'field.update', object: (req.params as P).object, field: (req.params as P).field, changes: req.body as Record<string, unknown> })),
  );
  app.delete(
    `${base}/draft/objects/:object/fields/:field`,
    { schema: draftEdit('removeDraftField', 'Remove a field from the draft', fieldParams) },
    edit((req) => ({ op: 'field.remove', object: (req.params as P).object, field: (req.params as P).field })),
  );

  // acceptRounding: the designer accepts that type changes round stored values (otherwise refused).
  const acceptRounding = { type: 'boolean' } as const;
  app.post(
    `${base}/plan`,
    {
      schema: route({
        operationId: 'planMetadata',
        summary: 'Dry run: the steps publishing the draft (or the metadata given) would take',
        tags,
        params: tenantParams,
        body: { type: 'object', properties: { metadata: metadataBody, acceptRounding } },
        responses: ok('The plan', Plan),
      }),
    },
    async (req) => {
      requireDesigner(req);
      const t = await tenantOf(req);
      const body = req.body as { metadata?: unknown; acceptRounding?: boolean };
      return t.schema.plan(body.metadata ?? (await t.schema.draft()).metadata, { acceptRounding: body.acceptRounding });
    },
  );

  app.post(
    `${base}/publish`,
    {
      schema: route({
        operationId: 'publishMetadata',
        summary: 'Publish the draft (or the metadata given) as a new revision',
        tags,
        params: tenantParams,
        body: {
          type: 'object',
          properties: {
            metadata: metadataBody,
            message: { type: 'string', maxLength: 500 },
            baseRevision: { type: 'integer', minimum: 0 },
            acceptRounding,
          },
        },
        responses: { 201: { description: 'Published', schema: PublishedRevision } },
      }),
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

  app.get(
    `${base}/revisions`,
    {
      schema: route({
        operationId: 'listRevisions',
        summary: 'Published revisions, newest first',
        tags,
        params: tenantParams,
        responses: ok('Revisions', { type: 'object', required: ['revisions'], properties: { revisions: { type: 'array', items: RevisionSummary } } }),
      }),
    },
    async (req) => {
      const t = await tenantOf(req);
      return { revisions: await t.schema.revisions() };
    },
  );

  app.get(
    `${base}/revisions/:id`,
    {
      schema: route({
        operationId: 'getRevision',
        summary: 'One revision with its metadata',
        tags,
        params: revisionParams,
        responses: ok('The revision', Revision),
      }),
    },
    async (req) => {
      const t = await tenantOf(req);
      return t.schema.revision((req.params as { id: number }).id);
    },
  );

  app.get(
    `${base}/revisions/:id/diff`,
    {
      schema: route({
        operationId: 'diffRevision',
        summary: 'The steps from one revision to another',
        tags,
        params: revisionParams,
        querystring: { type: 'object', properties: { from: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } } },
        responses: ok('The diff', {
          type: 'object',
          required: ['from', 'to', 'steps'],
          properties: { from: { type: 'integer' }, to: { type: 'integer' }, steps: { type: 'array', items: PlannedStep } },
        }),
      }),
    },
    async (req) => {
      const t = await tenantOf(req);
      const id = (req.params as { id: number }).id;
      const from = (req.query as { from?: number }).from ?? id - 1;
      return { from, to: id, steps: await t.schema.diff(from, id) };
    },
  );

  app.post(
    `${base}/revisions/:id/rollback`,
    {
      schema: route({
        operationId: 'rollbackRevision',
        summary: 'Publish an earlier revision again (a new revision)',
        tags,
        params: revisionParams,
        responses: { 201: { description: 'Rolled back', schema: PublishedRevision } },
      }),
    },
    async (req, reply) => {
      requireDesigner(req);
      const t = await tenantOf(req);
      const rev = await t.schema.rollback((req.params as { id: number }).id, { actor: req.actor ?? null });
      return reply.status(201).send({ id: rev.id, createdAt: rev.createdAt, message: rev.message, steps: rev.steps });
    },
  );
}
