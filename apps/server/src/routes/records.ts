import type { BulkInput } from '@tangram/engine';
import { AppError } from '@tangram/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ResponseDoc, type Schema, route } from '../openapi/declare';
import {
  HistoryEntry,
  RecordCreate,
  RecordOut,
  RecordPage,
  RecordQuery,
  RecordUpdate,
  Share,
  anyObject,
  flag,
  objectParams,
  recordParams,
} from '../openapi/schemas';
import { actionContext, tenantOf } from '../plugins/tenant';

const tags = ['records'];
const ok = (description: string, schema: Schema = RecordOut): Record<number, ResponseDoc> => ({ 200: { description, schema } });
const str = { type: 'string' } as const;
/** Query parameters of a list (and, without paging, of an export). */
const listQuery = {
  filter: { type: 'string', description: 'JSON Logic, e.g. {"==":[{"var":"stage"},"won"]}' },
  sort: { type: 'string', description: '`name,-amount` or a JSON list of {field, direction}' },
  limit: { type: 'integer', maximum: Number.MAX_SAFE_INTEGER },
  offset: { type: 'integer', maximum: Number.MAX_SAFE_INTEGER },
  after: { type: 'string', description: 'The nextCursor of the previous page' },
  fields: { type: 'string', description: 'Comma-separated field names' },
  expand: { type: 'string', description: 'Comma-separated reference fields to expand' },
  search: str,
  count: flag,
  deleted: flag,
} as const;
const { limit: _l, offset: _o, after: _a, count: _c, expand: _e, ...exportQuery } = listQuery;
const ifMatch = (required: boolean) => [
  { name: 'If-Match', in: 'header', required, description: 'The version read, e.g. "3"', schema: { type: 'string' } as Schema },
];
const isTrue = (v: unknown) => v === 'true' || v === '1';

type ObjectReq = FastifyRequest<{ Params: { tenant: string; object: string } }>;
type RecordReq = FastifyRequest<{ Params: { tenant: string; object: string; id: string } }>;

/** `If-Match: 3` or `If-Match: "3"` → 3. Writes must say which version they read. */
export function versionFrom(req: FastifyRequest, required: boolean): number | undefined {
  const raw = req.headers['if-match'];
  if (raw === undefined) {
    if (required) throw new AppError('RECORD_VERSION_REQUIRED', { header: 'If-Match' });
    return undefined;
  }
  const v = Number(String(raw).replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(v) || v < 1)
    throw new AppError('VALIDATION_FAILED', { problems: [{ code: 'VALIDATION_FAILED', path: '/headers/if-match', message: 'must be a record version' }] });
  return v;
}

function list(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return String(v)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A JSON query-string parameter (filter, sort), with a clear error when it is not JSON. */
function jsonParam(name: string, v: unknown): unknown {
  if (v === undefined) return undefined;
  try {
    return JSON.parse(String(v));
  } catch {
    throw new AppError('QUERY_INVALID', { problems: [{ code: 'QUERY_INVALID', path: `/query/${name}`, message: 'must be JSON' }] });
  }
}

function sortParam(v: unknown): { field: string; direction: 'asc' | 'desc' }[] | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (s.startsWith('[')) return jsonParam('sort', s) as never;
  return s
    .split(',')
    .filter(Boolean)
    .map((part) => (part.startsWith('-') ? { field: part.slice(1), direction: 'desc' } : { field: part, direction: 'asc' }));
}

/** Filter variables: `$user` (id, departments, subordinates for members) and `$now`. */
function variables(req: FastifyRequest) {
  return { $user: { id: req.actor ?? null }, $now: new Date().toISOString() };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  // Quote what needs it; a leading = + - @ is prefixed so spreadsheets do not run it as a formula.
  const safe = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV with a BOM, so Excel opens UTF-8 (Chinese) text correctly. */
export function toCsv(columns: string[], records: Record<string, unknown>[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const r of records) lines.push(columns.map((c) => csvCell(r[c])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Record routes: one engine call each, no SQL here. */
export async function recordRoutes(app: FastifyInstance): Promise<void> {
  const base = '/objects/:object/records';

  app.post(
    base,
    {
      schema: route({
        operationId: 'createRecord',
        summary: 'Create a record',
        tags,
        params: objectParams,
        body: RecordCreate,
        responses: { 201: { description: 'Created (ETag: its version)', schema: RecordOut } },
      }),
    },
    async (req: ObjectReq, reply) => {
      const t = await tenantOf(req);
      const record = await t.records.create(req.params.object, req.body, actionContext(req));
      reply.header('etag', `"${record.version}"`);
      return reply.status(201).send(record);
    },
  );

  const listOptions = (req: FastifyRequest) => {
    const q = req.query as Record<string, unknown>;
    return {
      filter: jsonParam('filter', q.filter),
      sort: sortParam(q.sort),
      limit: q.limit as number | undefined,
      offset: q.offset as number | undefined,
      after: q.after as string | undefined,
      fields: list(q.fields),
      expand: list(q.expand),
      search: q.search as string | undefined,
      count: isTrue(q.count),
      deleted: isTrue(q.deleted),
      variables: variables(req),
    };
  };

  app.get(
    base,
    {
      schema: route({
        operationId: 'listRecords',
        summary: 'List records (a page)',
        tags,
        params: objectParams,
        querystring: { type: 'object', properties: listQuery },
        responses: ok('A page', RecordPage),
      }),
    },
    async (req: ObjectReq) => {
      const t = await tenantOf(req);
      return t.records.query(req.params.object, listOptions(req), actionContext(req));
    },
  );

  app.post(
    `${base}/query`,
    {
      schema: route({
        operationId: 'queryRecords',
        summary: 'List records with the query in the body',
        description: 'The options of a list, as JSON (checked by the engine, which answers QUERY_INVALID naming the option).',
        tags,
        params: objectParams,
        body: {
          type: 'object',
          properties: {
            filter: { description: 'JSON Logic' },
            sort: { description: 'A list of { field, direction: asc | desc }' },
            limit: { description: 'An integer' },
            offset: { description: 'An integer' },
            after: { description: 'The nextCursor of the previous page' },
            fields: { description: 'A list of field names' },
            expand: { description: 'A list of reference fields to expand' },
            search: { description: 'Text to search for' },
            count: { description: 'true: count the matches' },
            deleted: { description: 'true: the recycle bin' },
          },
        },
        // Documented with its types; validated by the engine (QUERY_INVALID naming the option), not by fastify.
        requestBody: { required: true, content: { 'application/json': { schema: RecordQuery } } },
        responses: ok('A page', RecordPage),
      }),
    },
    async (req: ObjectReq) => {
      const t = await tenantOf(req);
      const body = req.body as Record<string, unknown>;
      const { viewer: _v, purpose: _p, scope: _s, ...options } = body;
      return t.records.query(req.params.object, { ...(options as object), variables: variables(req) }, actionContext(req));
    },
  );

  // Export: CSV (default) or JSON of everything the query matches, within the export scope.
  app.get(
    `${base}/export`,
    {
      schema: route({
        operationId: 'exportRecords',
        summary: 'Export records (CSV or JSON, within the export scope)',
        tags,
        params: objectParams,
        querystring: { type: 'object', properties: { ...exportQuery, format: { enum: ['csv', 'json'] } } },
        responses: {
          200: {
            description: 'Every matching record (at most 100,000)',
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/json': { schema: { type: 'object', properties: { records: { type: 'array', items: RecordOut }, truncated: { type: 'boolean' } } } },
            },
          },
        },
      }),
    },
    async (req: ObjectReq, reply) => {
      const t = await tenantOf(req);
      const q = req.query as Record<string, unknown>;
      const { limit: _l, offset: _o, after: _a, count: _c, expand: _e, ...options } = listOptions(req);
      const { records, truncated } = await t.records.export(req.params.object, options, actionContext(req));
      reply.header('x-tangram-truncated', String(truncated));
      if (q.format === 'json') return { records, truncated };
      const model = await t.model();
      const om = model.byName.get(req.params.object);
      const columns = ['id', ...(options.fields ?? (om?.fields ?? []).map((f) => f.name).filter((n) => records.length === 0 || n in (records[0] ?? {})))];
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="${req.params.object}.csv"`);
      return toCsv(columns, records);
    },
  );

  app.post(
    `${base}/import`,
    {
      schema: route({
        operationId: 'importRecords',
        summary: 'Import records (all or none)',
        tags,
        params: objectParams,
        body: {
          type: 'object',
          required: ['records'],
          additionalProperties: false,
          properties: { records: { type: 'array', maxItems: 1000, items: RecordCreate } },
        },
        responses: {
          201: {
            description: 'Created',
            schema: { type: 'object', properties: { created: { type: 'integer' }, records: { type: 'array', items: RecordOut } } },
          },
        },
      }),
    },
    async (req: ObjectReq, reply) => {
      const t = await tenantOf(req);
      const created = await t.records.import(req.params.object, (req.body as { records: unknown[] }).records, actionContext(req));
      return reply.status(201).send({ created: created.length, records: created });
    },
  );

  // Owner transfer: chosen ids, a filter's worth, or everything one member owns in this object.
  app.post(
    `${base}/transfer`,
    {
      schema: route({
        operationId: 'transferRecords',
        summary: 'Give records a new owner (chosen ids, a filter, or everything one member owns)',
        tags,
        params: objectParams,
        body: {
          type: 'object',
          required: ['to'],
          additionalProperties: false,
          properties: {
            to: str,
            from: str,
            ids: { type: 'array', maxItems: 10000, items: { description: 'A record id' } },
            filter: { description: 'JSON Logic' },
          },
        },
        responses: ok('Moved', { type: 'object', properties: { transferred: { type: 'integer' } } }),
      }),
    },
    async (req: ObjectReq) => {
      const t = await tenantOf(req);
      return t.records.transfer(req.params.object, req.body as Record<string, unknown>, actionContext(req));
    },
  );

  app.post(
    `${base}/aggregate`,
    {
      schema: route({
        operationId: 'aggregateRecords',
        summary: 'Group and measure records (count, sum, avg, min, max)',
        tags,
        params: objectParams,
        body: {
          type: 'object',
          required: ['measures'],
          additionalProperties: false,
          properties: {
            groupBy: { type: 'array', maxItems: 5, items: { description: 'A field name' } },
            measures: { type: 'array', minItems: 1, maxItems: 20, items: { description: '{ fn: count | sum | avg | min | max, field }' } },
            filter: { description: 'JSON Logic' },
            limit: { type: 'integer' },
          },
        },
        responses: ok('Rows', { type: 'object', properties: { rows: { type: 'array', items: anyObject } }, additionalProperties: true }),
      }),
    },
    async (req: ObjectReq) => {
      const t = await tenantOf(req);
      const body = req.body as Parameters<typeof t.records.aggregate>[1];
      return t.records.aggregate(req.params.object, { ...body, variables: variables(req) }, actionContext(req));
    },
  );

  app.get(
    `${base}/:id`,
    {
      schema: route({
        operationId: 'getRecord',
        summary: 'Get a record (ETag: its version)',
        tags,
        params: recordParams,
        querystring: { type: 'object', properties: { expand: listQuery.expand, deleted: flag } },
        responses: ok('The record'),
      }),
    },
    async (req: RecordReq, reply) => {
      const t = await tenantOf(req);
      const q = req.query as Record<string, unknown>;
      const record = await t.records.get(req.params.object, req.params.id, { expand: list(q.expand), deleted: q.deleted === 'true' }, actionContext(req));
      reply.header('etag', `"${record.version}"`);
      return record;
    },
  );

  app.patch(
    `${base}/:id`,
    {
      schema: route({
        operationId: 'updateRecord',
        summary: 'Change a record (If-Match: the version read)',
        tags,
        params: recordParams,
        headerParams: ifMatch(true),
        body: RecordUpdate,
        responses: ok('Updated'),
      }),
    },
    async (req: RecordReq, reply) => {
      const t = await tenantOf(req);
      const record = await t.records.update(req.params.object, req.params.id, req.body, { version: versionFrom(req, true) }, actionContext(req));
      reply.header('etag', `"${record.version}"`);
      return record;
    },
  );

  app.delete(
    `${base}/:id`,
    {
      schema: route({
        operationId: 'deleteRecord',
        summary: 'Delete a record (to the recycle bin)',
        tags,
        params: recordParams,
        headerParams: ifMatch(false),
        responses: { 204: { description: 'Deleted' } },
      }),
    },
    async (req: RecordReq, reply) => {
      const t = await tenantOf(req);
      await t.records.delete(req.params.object, req.params.id, { version: versionFrom(req, false) }, actionContext(req));
      return reply.status(204).send();
    },
  );

  app.post(
    `${base}/:id/restore`,
    {
      schema: route({ operationId: 'restoreRecord', summary: 'Restore a record from the recycle bin', tags, params: recordParams, responses: ok('Restored') }),
    },
    async (req: RecordReq) => {
      const t = await tenantOf(req);
      return t.records.restore(req.params.object, req.params.id, actionContext(req));
    },
  );

  // The public pool (公海): take a record, or give it back.
  app.post(
    `${base}/:id/claim`,
    {
      schema: route({
        operationId: 'claimRecord',
        summary: 'Claim a record from the public pool (公海)',
        tags,
        params: recordParams,
        poolOnly: true,
        responses: ok('Now owned by the caller'),
      }),
    },
    async (req: RecordReq) => {
      const t = await tenantOf(req);
      return t.records.claim(req.params.object, req.params.id, actionContext(req));
    },
  );

  app.post(
    `${base}/:id/release`,
    {
      schema: route({
        operationId: 'releaseRecord',
        summary: 'Return a record to the public pool (退回公海)',
        tags,
        params: recordParams,
        poolOnly: true,
        responses: ok('Now without an owner'),
      }),
    },
    async (req: RecordReq) => {
      const t = await tenantOf(req);
      return t.records.release(req.params.object, req.params.id, actionContext(req));
    },
  );

  app.get(
    `${base}/:id/history`,
    {
      schema: route({
        operationId: 'getRecordHistory',
        summary: 'The history of a record',
        tags,
        params: recordParams,
        responses: ok('Entries', { type: 'object', required: ['entries'], properties: { entries: { type: 'array', items: HistoryEntry } } }),
      }),
    },
    async (req: RecordReq) => {
      const t = await tenantOf(req);
      return { entries: await t.records.history(req.params.object, req.params.id, actionContext(req)) };
    },
  );

  // Shares: who else may read or edit this record. Listing needs read, changing needs update.
  app.get(
    `${base}/:id/shares`,
    {
      schema: route({
        operationId: 'listShares',
        summary: 'Who a record is shared with',
        tags,
        params: recordParams,
        responses: ok('Shares', { type: 'object', properties: { shares: { type: 'array', items: Share } } }),
      }),
    },
    async (req: RecordReq) => {
      const t = await tenantOf(req);
      const om = await t.records.shareTarget(req.params.object, req.params.id, actionContext(req), 'read');
      return { shares: await t.access.shares(om.id, req.params.id.toLowerCase()) };
    },
  );

  app.post(
    `${base}/:id/shares`,
    {
      schema: route({
        operationId: 'createShare',
        summary: 'Share a record with a member or department',
        tags,
        params: recordParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { userId: { type: 'string' }, departmentId: { type: 'string' }, access: { enum: ['read', 'edit'] } },
        },
        responses: { 201: { description: 'Shared', schema: Share } },
      }),
    },
    async (req: RecordReq, reply) => {
      const t = await tenantOf(req);
      const ctx = actionContext(req);
      const om = await t.records.shareTarget(req.params.object, req.params.id, ctx, 'update');
      return reply.status(201).send(await t.access.share(om.id, req.params.id.toLowerCase(), req.body as Record<string, unknown>, ctx.actor ?? null));
    },
  );

  app.delete(
    `${base}/:id/shares/:share`,
    {
      schema: route({
        operationId: 'deleteShare',
        summary: 'Stop sharing a record',
        tags,
        params: { type: 'object', required: ['tenant', 'object', 'id', 'share'], properties: { ...recordParams.properties, share: str } },
        responses: { 204: { description: 'Removed' } },
      }),
    },
    async (req: FastifyRequest<{ Params: { tenant: string; object: string; id: string; share: string } }>, reply) => {
      const t = await tenantOf(req);
      const om = await t.records.shareTarget(req.params.object, req.params.id, actionContext(req), 'update');
      await t.access.unshare(om.id, req.params.id.toLowerCase(), req.params.share);
      return reply.status(204).send();
    },
  );

  app.post(
    `${base}/:id/revert`,
    {
      schema: route({
        operationId: 'revertRecord',
        summary: 'Put a record back as it was at an earlier version (a new version)',
        tags,
        params: recordParams,
        body: { type: 'object', required: ['version'], additionalProperties: false, properties: { version: { type: 'integer', minimum: 1 } } },
        responses: ok('Reverted'),
      }),
    },
    async (req: RecordReq) => {
      const t = await tenantOf(req);
      return t.records.revert(req.params.object, req.params.id, (req.body as { version: number }).version, actionContext(req));
    },
  );

  app.post(
    `${base}/bulk`,
    {
      schema: route({
        operationId: 'bulkRecords',
        summary: 'Create, update and delete records in one transaction (all or nothing)',
        tags,
        params: objectParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            create: { type: 'array', maxItems: 1000, items: RecordCreate },
            update: {
              type: 'array',
              maxItems: 1000,
              items: {
                type: 'object',
                required: ['id', 'values'],
                properties: { id: { type: 'string' }, version: { type: 'integer' }, values: { type: 'object', additionalProperties: true } },
              },
            },
            delete: { type: 'array', maxItems: 1000, items: { type: 'string' } },
          },
        },
        responses: ok('What was done', {
          type: 'object',
          required: ['created', 'updated', 'deleted'],
          properties: { created: { type: 'array', items: RecordOut }, updated: { type: 'array', items: RecordOut }, deleted: { type: 'integer' } },
        }),
      }),
    },
    async (req: ObjectReq) => {
      const t = await tenantOf(req);
      // One transaction for the three lists: all or nothing.
      return t.records.bulk(req.params.object, req.body as BulkInput, actionContext(req));
    },
  );
}
