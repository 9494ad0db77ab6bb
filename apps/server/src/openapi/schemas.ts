import { catalogue } from '@tangram/errors';
import { type Schema, named } from './declare';

/** Schemas the route declarations share; each named one is a component of the OpenAPI document. */

export const uuid: Schema = { type: 'string', format: 'uuid' };
export const dateTime: Schema = { type: 'string', format: 'date-time' };
export const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const str = { type: 'string' } as const;

export const ErrorBody = named('Error', {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      properties: { code: { enum: Object.keys(catalogue) }, message: str, details: { type: 'object' }, requestId: str },
    },
  },
});

/** The columns every record has, whatever its object. */
export const systemProperties: Record<string, Schema> = {
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

// Records: in a tenant's document each object has its own schemas in their place (`deal`,
// `deal_create`, `deal_update`, `deal_page`, see generate.ts); these are what any object shares.
export const RecordOut = named('Record', {
  type: 'object',
  title: 'A record of any object: the system columns and the object’s fields',
  required: ['id', 'version'],
  properties: systemProperties,
  additionalProperties: true,
});
export const RecordCreate = named('RecordCreate', { type: 'object', title: 'Field values of a new record (and optionally id, owner_id)' });
export const RecordUpdate = named('RecordUpdate', { type: 'object', title: 'Field values to change (and optionally owner_id)' });
export const RecordPage = named('RecordPage', {
  type: 'object',
  required: ['records', 'nextCursor'],
  properties: {
    records: { type: 'array', items: RecordOut },
    nextCursor: { type: ['string', 'null'] },
    total: { type: 'integer' },
    totalExact: { type: 'boolean' },
  },
});

export const Share = named('Share', {
  type: 'object',
  properties: {
    id: uuid,
    userId: nullable(uuid),
    departmentId: nullable(uuid),
    access: { enum: ['read', 'edit'] },
    createdAt: dateTime,
    createdBy: nullable(uuid),
  },
});

export const FileReference = named('FileReference', {
  type: 'object',
  title: 'A stored file, as an attachment field holds it',
  required: ['id', 'name', 'size', 'mimeType', 'url'],
  properties: {
    id: uuid,
    name: { type: 'string', maxLength: 255 },
    size: { type: 'integer', minimum: 1 },
    mimeType: str,
    url: str,
  },
});

export const HistoryEntry = named('HistoryEntry', {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    action: str,
    at: dateTime,
    actor: nullable(uuid),
    requestId: { type: ['string', 'null'] },
    changes: { type: 'object' },
  },
});

export const User = named('User', {
  type: 'object',
  properties: { id: uuid, email: str, name: str, platformAdmin: { type: 'boolean' } },
  additionalProperties: true,
});
export const Tenant = named('Tenant', { type: 'object', properties: { id: uuid, slug: str, name: str }, additionalProperties: true });
export const SignedIn = named('SignedIn', {
  type: 'object',
  required: ['user', 'tenants'],
  properties: { user: User, csrfToken: { type: ['string', 'null'] }, tenants: { type: 'array', items: { type: 'object', additionalProperties: true } } },
});
export const Revision = named('Revision', {
  type: 'object',
  properties: { id: { type: 'integer' }, createdAt: dateTime, message: { type: ['string', 'null'] }, steps: { type: 'array' } },
  additionalProperties: true,
});
export const Role = named('Role', { type: 'object', properties: { name: str }, additionalProperties: true });
export const Department = named('Department', { type: 'object', properties: { id: uuid, name: str }, additionalProperties: true });
export const Member = named('Member', { type: 'object', properties: { id: uuid, name: str, email: str }, additionalProperties: true });
export const ApiToken = named('ApiToken', { type: 'object', properties: { id: uuid, name: str }, additionalProperties: true });

/** Any JSON object (an answer whose shape is the engine's). */
export const anyObject: Schema = { type: 'object', additionalProperties: true };

// Parameters. `:tenant` is bound by the tenant scope (plugins/auth.ts) before any of these run.
export const tenantParams = { type: 'object', required: ['tenant'], properties: { tenant: str } } as const;
export const objectParams = { type: 'object', required: ['tenant', 'object'], properties: { tenant: str, object: str } } as const;
export const recordParams = {
  type: 'object',
  required: ['tenant', 'object', 'id'],
  properties: { tenant: str, object: str, id: str },
} as const;
export const idParams = { type: 'object', required: ['tenant', 'id'], properties: { tenant: str, id: str } } as const;

/** A flag in a query string: `true`/`1` or `false`/`0`. */
export const flag = { type: 'string', enum: ['true', 'false', '1', '0'] } as const;
