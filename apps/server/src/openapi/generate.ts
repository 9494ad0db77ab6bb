import type { Model, ObjectModel, UserAccess } from '@tangram/engine';
import { catalogue } from '@tangram/errors';

type Schema = Record<string, unknown>;

const uuid: Schema = { type: 'string', format: 'uuid' };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });

const systemProperties: Record<string, Schema> = {
  id: uuid,
  version: { type: 'integer', minimum: 1 },
  created_at: dateTime,
  created_by: nullable(uuid),
  updated_at: dateTime,
  updated_by: nullable(uuid),
  owner_id: nullable(uuid),
  deleted_at: nullable(dateTime),
  deleted_by: nullable(uuid),
};

/** JSON Schema of one field's value as the API returns it. */
function valueSchema(om: ObjectModel, name: string): Schema {
  const f = om.byName.get(name)!;
  const base = f.type.valueSchema(f.field);
  const described = { ...base, title: f.field.label['zh-CN'] ?? f.name, ...(f.field.label.en ? { description: f.field.label.en } : {}) };
  return f.type.apiSchema ? f.type.apiSchema(f.field, described) : nullable(described);
}

function recordSchemas(om: ObjectModel, access?: UserAccess): Record<string, Schema> {
  // A member's document names only the fields they may read, and offers to write only those they may edit.
  const oa = access?.object(om);
  const readable = om.fields.filter((f) => !oa || oa.readable(f.name));
  const editable = om.fields.filter((f) => !f.type.computed && (!oa || oa.field(f.name) === 'edit'));
  const props = Object.fromEntries(readable.map((f) => [f.name, valueSchema(om, f.name)]));
  const writable = Object.fromEntries(editable.map((f) => [f.name, valueSchema(om, f.name)]));
  const required = editable.filter((f) => f.field.required).map((f) => f.name);
  const title = om.def.label['zh-CN'] ?? om.name;
  return {
    [om.name]: { type: 'object', title, required: ['id', 'version'], properties: { ...systemProperties, ...props } },
    [`${om.name}_create`]: {
      type: 'object',
      title: `${title} (create)`,
      additionalProperties: false,
      ...(required.length ? { required } : {}),
      properties: { id: uuid, owner_id: uuid, ...writable },
    },
    [`${om.name}_update`]: { type: 'object', title: `${title} (update)`, additionalProperties: false, properties: { owner_id: uuid, ...writable } },
    [`${om.name}_page`]: {
      type: 'object',
      required: ['records', 'nextCursor'],
      properties: {
        records: { type: 'array', items: { $ref: `#/components/schemas/${om.name}` } },
        nextCursor: { type: ['string', 'null'] },
        total: { type: 'integer' },
        totalExact: { type: 'boolean' },
      },
    },
  };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ content: { 'application/json': { schema } } });
const errors = { '4XX': { description: 'Error', ...json(ref('Error')) }, '5XX': { description: 'Error', ...json(ref('Error')) } };
const idParam = { name: 'id', in: 'path', required: true, schema: uuid };
const ifMatch = { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' }, description: 'The version read, e.g. "3"' };

function objectPaths(om: ObjectModel, tenant: string): Record<string, Schema> {
  const base = `/api/v1/t/${tenant}/objects/${om.name}/records`;
  const tag = om.def.label['zh-CN'] ?? om.name;
  const op = (operationId: string, summary: string, extra: Schema) => ({ operationId: `${operationId}_${om.name}`, summary, tags: [tag], ...extra });
  const queryParams = ['filter', 'sort', 'limit', 'offset', 'after', 'fields', 'expand', 'search', 'count', 'deleted'].map((name) => ({
    name,
    in: 'query',
    required: false,
    schema: name === 'limit' || name === 'offset' ? { type: 'integer' } : name === 'count' || name === 'deleted' ? { type: 'boolean' } : { type: 'string' },
  }));
  return {
    [base]: {
      get: op('list', `List ${tag}`, { parameters: queryParams, responses: { 200: { description: 'A page', ...json(ref(`${om.name}_page`)) }, ...errors } }),
      post: op('create', `Create ${tag}`, {
        requestBody: { required: true, ...json(ref(`${om.name}_create`)) },
        responses: { 201: { description: 'Created', ...json(ref(om.name)) }, ...errors },
      }),
    },
    [`${base}/{id}`]: {
      get: op('get', `Get ${tag}`, { parameters: [idParam], responses: { 200: { description: 'The record', ...json(ref(om.name)) }, ...errors } }),
      patch: op('update', `Update ${tag}`, {
        parameters: [idParam, ifMatch],
        requestBody: { required: true, ...json(ref(`${om.name}_update`)) },
        responses: { 200: { description: 'Updated', ...json(ref(om.name)) }, ...errors },
      }),
      delete: op('delete', `Delete ${tag} (to the recycle bin)`, { parameters: [idParam], responses: { 204: { description: 'Deleted' }, ...errors } }),
    },
    [`${base}/{id}/restore`]: {
      post: op('restore', `Restore ${tag}`, { parameters: [idParam], responses: { 200: { description: 'Restored', ...json(ref(om.name)) }, ...errors } }),
    },
    ...(om.def.publicPool
      ? {
          [`${base}/{id}/claim`]: {
            post: op('claim', `Claim ${tag} from the public pool (公海)`, {
              parameters: [idParam],
              responses: { 200: { description: 'Now owned by the caller', ...json(ref(om.name)) }, ...errors },
            }),
          },
          [`${base}/{id}/release`]: {
            post: op('release', `Return ${tag} to the public pool (退回公海)`, {
              parameters: [idParam],
              responses: { 200: { description: 'Now without an owner', ...json(ref(om.name)) }, ...errors },
            }),
          },
        }
      : {}),
    [`${base}/export`]: {
      get: op('export', `Export ${tag} (CSV or JSON, within the export scope)`, {
        parameters: [
          ...queryParams.filter((p) => !['limit', 'offset', 'after', 'count', 'expand'].includes(p.name)),
          { name: 'format', in: 'query', required: false, schema: { enum: ['csv', 'json'] } },
        ],
        responses: {
          200: {
            description: 'Every matching record (at most 100,000)',
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/json': {
                schema: { type: 'object', properties: { records: { type: 'array', items: ref(om.name) }, truncated: { type: 'boolean' } } },
              },
            },
          },
          ...errors,
        },
      }),
    },
    [`${base}/import`]: {
      post: op('import', `Import ${tag} (all or none)`, {
        requestBody: {
          required: true,
          ...json({ type: 'object', required: ['records'], properties: { records: { type: 'array', maxItems: 1000, items: ref(`${om.name}_create`) } } }),
        },
        responses: {
          201: {
            description: 'Created',
            ...json({ type: 'object', properties: { created: { type: 'integer' }, records: { type: 'array', items: ref(om.name) } } }),
          },
          ...errors,
        },
      }),
    },
    [`${base}/transfer`]: {
      post: op('transfer', `Give ${tag} records a new owner`, {
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['to'],
            properties: { to: uuid, from: uuid, ids: { type: 'array', items: uuid, maxItems: 10000 }, filter: { description: 'JSON Logic' } },
          }),
        },
        responses: { 200: { description: 'Moved', ...json({ type: 'object', properties: { transferred: { type: 'integer' } } }) }, ...errors },
      }),
    },
    [`${base}/{id}/shares`]: {
      get: op('shares', `Who ${tag} is shared with`, {
        parameters: [idParam],
        responses: { 200: { description: 'Shares', ...json({ type: 'object', properties: { shares: { type: 'array', items: ref('Share') } } }) }, ...errors },
      }),
      post: op('share', `Share ${tag} with a member or department`, {
        parameters: [idParam],
        requestBody: { required: true, ...json({ type: 'object', properties: { userId: uuid, departmentId: uuid, access: { enum: ['read', 'edit'] } } }) },
        responses: { 201: { description: 'Shared', ...json(ref('Share')) }, ...errors },
      }),
    },
    [`${base}/{id}/shares/{share}`]: {
      delete: op('unshare', `Stop sharing ${tag}`, {
        parameters: [idParam, { name: 'share', in: 'path', required: true, schema: uuid }],
        responses: { 204: { description: 'Removed' }, ...errors },
      }),
    },
    [`${base}/{id}/history`]: {
      get: op('history', `History of ${tag}`, {
        parameters: [idParam],
        responses: {
          200: { description: 'Entries', ...json({ type: 'object', properties: { entries: { type: 'array', items: ref('HistoryEntry') } } }) },
          ...errors,
        },
      }),
    },
  };
}

/** Upload and download of the files attachment fields refer to. */
function filePaths(tenant: string): Record<string, Schema> {
  const base = `/api/v1/t/${tenant}/files`;
  const tags = ['文件'];
  return {
    [base]: {
      post: {
        operationId: 'upload_file',
        summary: 'Upload a file (multipart, one part named "file"); store the answer in an attachment field',
        tags,
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: { file: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' } },
              },
            },
          },
        },
        responses: { 201: { description: 'Stored', ...json(ref('FileReference')) }, ...errors },
      },
    },
    [`${base}/{id}`]: {
      get: {
        operationId: 'download_file',
        summary: 'Download a file: its uploader, members who can read a record holding it, tenant admins',
        tags,
        parameters: [idParam],
        responses: {
          200: {
            description: 'The bytes, with the type given at upload and `Content-Disposition: attachment`',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' } } },
          },
          304: { description: 'Not modified (If-None-Match)' },
          ...errors,
        },
      },
    },
  };
}

/**
 * The OpenAPI 3.1 document of one tenant, generated from its published metadata: a schema per
 * object (record, create, update, page) and its record operations, plus file upload and download.
 * With a member's `access` it describes what that member may use: objects they can neither read
 * nor create are left out, and so are the fields hidden from them.
 */
export function tenantOpenApi(model: Model, tenant: string, serverUrl = '/', access?: UserAccess): Schema {
  const objects = [...model.byName.values()].filter((om) => {
    const oa = access?.object(om);
    return !oa || oa.grants('read') || oa.can('create');
  });
  return {
    openapi: '3.1.0',
    info: { title: `Tangram API — ${tenant}`, version: `revision-${model.revision}`, description: 'Generated from the tenant’s published metadata.' },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { session: [] }],
    paths: Object.assign({}, ...objects.map((om) => objectPaths(om, tenant)), filePaths(tenant)),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (tg_…)' },
        session: { type: 'apiKey', in: 'cookie', name: 'tangram_session' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'requestId'],
              properties: { code: { enum: Object.keys(catalogue) }, message: { type: 'string' }, details: { type: 'object' }, requestId: { type: 'string' } },
            },
          },
        },
        Share: {
          type: 'object',
          properties: {
            id: uuid,
            userId: nullable(uuid),
            departmentId: nullable(uuid),
            access: { enum: ['read', 'edit'] },
            createdAt: dateTime,
            createdBy: nullable(uuid),
          },
        },
        FileReference: {
          type: 'object',
          title: 'A stored file, as an attachment field holds it',
          required: ['id', 'name', 'size', 'mimeType', 'url'],
          properties: {
            id: uuid,
            name: { type: 'string', maxLength: 255 },
            size: { type: 'integer', minimum: 1 },
            mimeType: { type: 'string' },
            url: { type: 'string' },
          },
        },
        HistoryEntry: {
          type: 'object',
          properties: {
            version: { type: 'integer' },
            action: { type: 'string' },
            at: dateTime,
            actor: nullable(uuid),
            requestId: { type: ['string', 'null'] },
            changes: { type: 'object' },
          },
        },
        ...Object.assign({}, ...objects.map((om) => recordSchemas(om, access))),
      },
    },
  };
}
