import type { BulkInput } from '@tangram/engine';
import { AppError } from '@tangram/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actionContext, tenantOf } from '../plugins/tenant';

const objectParams = { type: 'object', required: ['tenant', 'object'], properties: { tenant: { type: 'string' }, object: { type: 'string' } } } as const;
const recordParams = {
  type: 'object',
  required: ['tenant', 'object', 'id'],
  properties: { tenant: { type: 'string' }, object: { type: 'string' }, id: { type: 'string' } },
} as const;

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
  const base = '/api/v1/t/:tenant/objects/:object/records';

  app.post(base, { schema: { params: objectParams, body: { type: 'object' } } }, async (req: ObjectReq, reply) => {
    const t = await tenantOf(req);
    const record = await t.records.create(req.params.object, req.body, actionContext(req));
    reply.header('etag', `"${record.version}"`);
    return reply.status(201).send(record);
  });

  const listOptions = (req: FastifyRequest) => {
    const q = req.query as Record<string, unknown>;
    const num = (k: string) => (q[k] === undefined ? undefined : Number(q[k]));
    return {
      filter: jsonParam('filter', q.filter),
      sort: sortParam(q.sort),
      limit: num('limit'),
      offset: num('offset'),
      after: q.after as string | undefined,
      fields: list(q.fields),
      expand: list(q.expand),
      search: q.search as string | undefined,
      count: q.count === 'true' || q.count === '1',
      deleted: q.deleted === 'true' || q.deleted === '1',
      variables: variables(req),
    };
  };

  app.get(base, { schema: { params: objectParams } }, async (req: ObjectReq) => {
    const t = await tenantOf(req);
    return t.records.query(req.params.object, listOptions(req), actionContext(req));
  });

  app.post(`${base}/query`, { schema: { params: objectParams, body: { type: 'object' } } }, async (req: ObjectReq) => {
    const t = await tenantOf(req);
    const body = req.body as Record<string, unknown>;
    const { viewer: _v, purpose: _p, scope: _s, ...options } = body;
    return t.records.query(req.params.object, { ...(options as object), variables: variables(req) }, actionContext(req));
  });

  // Export: CSV (default) or JSON of everything the query matches, within the export scope.
  app.get(`${base}/export`, { schema: { params: objectParams } }, async (req: ObjectReq, reply) => {
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
  });

  app.post(
    `${base}/import`,
    {
      schema: {
        params: objectParams,
        body: { type: 'object', required: ['records'], additionalProperties: false, properties: { records: { type: 'array', maxItems: 1000 } } },
      },
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
      schema: {
        params: objectParams,
        body: {
          type: 'object',
          required: ['to'],
          additionalProperties: false,
          properties: { to: { type: 'string' }, from: { type: 'string' }, ids: { type: 'array', maxItems: 10000 }, filter: {} },
        },
      },
    },
    async (req: ObjectReq) => {
      const t = await tenantOf(req);
      return t.records.transfer(req.params.object, req.body as Record<string, unknown>, actionContext(req));
    },
  );

  app.post(
    `${base}/aggregate`,
    {
      schema: {
        params: objectParams,
        body: {
          type: 'object',
          required: ['measures'],
          additionalProperties: false,
          properties: {
            groupBy: { type: 'array', maxItems: 5 },
            measures: { type: 'array', minItems: 1, maxItems: 20 },
            filter: {},
            limit: { type: 'integer' },
          },
        },
      },
    },
    async (req: ObjectReq) => {
      const t = await tenantOf(req);
      const body = req.body as Parameters<typeof t.records.aggregate>[1];
      return t.records.aggregate(req.params.object, { ...body, variables: variables(req) }, actionContext(req));
    },
  );

  app.get(`${base}/:id`, { schema: { params: recordParams } }, async (req: RecordReq, reply) => {
    const t = await tenantOf(req);
    const q = req.query as Record<string, unknown>;
    const record = await t.records.get(req.params.object, req.params.id, { expand: list(q.expand), deleted: q.deleted === 'true' }, actionContext(req));
    reply.header('etag', `"${record.version}"`);
    return record;
  });

  app.patch(`${base}/:id`, { schema: { params: recordParams, body: { type: 'object' } } }, async (req: RecordReq, reply) => {
    const t = await tenantOf(req);
    const record = await t.records.update(req.params.object, req.params.id, req.body, { version: versionFrom(req, true) }, actionContext(req));
    reply.header('etag', `"${record.version}"`);
    return record;
  });

  app.delete(`${base}/:id`, { schema: { params: recordParams } }, async (req: RecordReq, reply) => {
    const t = await tenantOf(req);
    await t.records.delete(req.params.object, req.params.id, { version: versionFrom(req, false) }, actionContext(req));
    return reply.status(204).send();
  });

  app.post(`${base}/:id/restore`, { schema: { params: recordParams } }, async (req: RecordReq) => {
    const t = await tenantOf(req);
    return t.records.restore(req.params.object, req.params.id, actionContext(req));
  });

  // The public pool (公海): take a record, or give it back.
  app.post(`${base}/:id/claim`, { schema: { params: recordParams } }, async (req: RecordReq) => {
    const t = await tenantOf(req);
    return t.records.claim(req.params.object, req.params.id, actionContext(req));
  });

  app.post(`${base}/:id/release`, { schema: { params: recordParams } }, async (req: RecordReq) => {
    const t = await tenantOf(req);
    return t.records.release(req.params.object, req.params.id, actionContext(req));
  });

  app.get(`${base}/:id/history`, { schema: { params: recordParams } }, async (req: RecordReq) => {
    const t = await tenantOf(req);
    return { entries: await t.records.history(req.params.object, req.params.id, actionContext(req)) };
  });

  // Shares: who else may read or edit this record. Listing needs read, changing needs update.
  app.get(`${base}/:id/shares`, { schema: { params: recordParams } }, async (req: RecordReq) => {
    const t = await tenantOf(req);
    const om = await t.records.shareTarget(req.params.object, req.params.id, actionContext(req), 'read');
    return { shares: await t.access.shares(om.id, req.params.id.toLowerCase()) };
  });

  app.post(
    `${base}/:id/shares`,
    {
      schema: {
        params: recordParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { userId: { type: 'string' }, departmentId: { type: 'string' }, access: { enum: ['read', 'edit'] } },
        },
      },
    },
    async (req: RecordReq, reply) => {
      const t = await tenantOf(req);
      const ctx = actionContext(req);
      const om = await t.records.shareTarget(req.params.object, req.params.id, ctx, 'update');
      return reply.status(201).send(await t.access.share(om.id, req.params.id.toLowerCase(), req.body as Record<string, unknown>, ctx.actor ?? null));
    },
  );

  app.delete(`${base}/:id/shares/:share`, async (req: FastifyRequest<{ Params: { tenant: string; object: string; id: string; share: string } }>, reply) => {
    const t = await tenantOf(req);
    const om = await t.records.shareTarget(req.params.object, req.params.id, actionContext(req), 'update');
    await t.access.unshare(om.id, req.params.id.toLowerCase(), req.params.share);
    return reply.status(204).send();
  });

  app.post(
    `${base}/:id/revert`,
    {
      schema: {
        params: recordParams,
        body: { type: 'object', required: ['version'], additionalProperties: false, properties: { version: { type: 'integer', minimum: 1 } } },
      },
    },
    async (req: RecordReq) => {
      const t = await tenantOf(req);
      return t.records.revert(req.params.object, req.params.id, (req.body as { version: number }).version, actionContext(req));
    },
  );

  app.post(
    `${base}/bulk`,
    {
      schema: {
        params: objectParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            create: { type: 'array', maxItems: 1000 },
            update: {
              type: 'array',
              maxItems: 1000,
              items: {
                type: 'object',
                required: ['id', 'values'],
                properties: { id: { type: 'string' }, version: { type: 'integer' }, values: { type: 'object' } },
              },
            },
            delete: { type: 'array', maxItems: 1000, items: { type: 'string' } },
          },
        },
      },
    },
    async (req: ObjectReq) => {
      const t = await tenantOf(req);
      // One transaction for the three lists: all or nothing.
      return t.records.bulk(req.params.object, req.body as BulkInput, actionContext(req));
    },
  );
}
