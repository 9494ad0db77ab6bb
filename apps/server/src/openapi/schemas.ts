import { catalogue } from '@tangram/errors';
import { appSchema } from '@tangram/metadata';
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

/** The options of a list, as the engine reads them (it checks them itself, answering QUERY_INVALID naming the option). */
export const RecordQuery = named('RecordQuery', {
  type: 'object',
  properties: {
    filter: { description: 'JSON Logic' },
    sort: {
      type: 'array',
      items: { type: 'object', required: ['field', 'direction'], properties: { field: str, direction: { enum: ['asc', 'desc'] } } },
    },
    limit: { type: 'integer', minimum: 1 },
    offset: { type: 'integer', minimum: 0 },
    after: { type: 'string', description: 'The nextCursor of the previous page' },
    fields: { type: 'array', description: 'Field names', items: str },
    expand: { type: 'array', description: 'Reference fields to expand', items: str },
    search: { type: 'string', description: 'Text to search for' },
    count: { type: 'boolean', description: 'true: count the matches' },
    deleted: { type: 'boolean', description: 'true: the recycle bin' },
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
  required: ['version', 'action', 'at', 'actor', 'requestId', 'changes'],
  properties: {
    version: { type: 'integer' },
    action: { type: 'string', description: 'create, update, delete, restore, revert, transfer…' },
    at: dateTime,
    actor: nullable(uuid),
    requestId: { type: ['string', 'null'] },
    via: {
      type: 'object',
      description:
        'Present when an after-commit automation made the change ("via automation X": its id and its depth in a chain) or a record action (a button: `action`, depth 0)',
      required: ['depth'],
      properties: { automation: { type: 'string' }, action: { type: 'string' }, depth: { type: 'integer' } },
    },
    changes: {
      type: 'object',
      description: 'By field name: `{ amount: { before: 100, after: 120 } }`',
      additionalProperties: { type: 'object', required: ['before', 'after'], properties: { before: {}, after: {} } },
    },
  },
});

export const LocaleText = named('LocaleText', {
  title: 'A text, or a text per locale (`{ "zh-CN": …, "en": … }`)',
  anyOf: [str, { type: 'object', additionalProperties: str }],
});
const tenantRole = { enum: ['admin', 'member'] } as const;

export const User = named('User', {
  type: 'object',
  required: ['id', 'email', 'name', 'platformAdmin'],
  properties: { id: uuid, email: str, name: str, platformAdmin: { type: 'boolean' } },
});
export const Tenant = named('Tenant', { type: 'object', properties: { id: uuid, slug: str, name: str }, additionalProperties: true });
export const Membership = named('Membership', {
  type: 'object',
  title: 'A tenant the user belongs to, and their role there',
  required: ['slug', 'name', 'role'],
  properties: { slug: str, name: str, role: tenantRole },
});
export const SignedIn = named('SignedIn', {
  type: 'object',
  required: ['user', 'csrfToken', 'tenants'],
  properties: { user: User, csrfToken: { type: ['string', 'null'] }, tenants: { type: 'array', items: Membership } },
});
export const Accepted = named('Accepted', {
  type: 'object',
  required: ['tenant', 'role'],
  properties: { tenant: { type: 'object', required: ['slug', 'name'], properties: { slug: str, name: str } }, role: tenantRole },
});
export const Added = named('Added', {
  type: 'object',
  title: 'A member added (status active) or invited (status invited, with the code to pass on)',
  required: ['user', 'role', 'status'],
  properties: {
    user: {
      type: 'object',
      description: '`id` only for someone now active (an invitee’s new account id would tell a new account from an old one)',
      required: ['email'],
      properties: { id: uuid, email: str, name: str, platformAdmin: { type: 'boolean' } },
    },
    role: tenantRole,
    status: { enum: ['active', 'invited'] },
    invitationCode: str,
  },
});

// The app market.
export const MarketPackage = named('MarketPackage', {
  type: 'object',
  title: 'A package the app market offers',
  required: ['name', 'version', 'label', 'description', 'dependencies', 'objects', 'sampleRecords'],
  properties: {
    name: str,
    version: str,
    label: LocaleText,
    description: nullable(LocaleText),
    dependencies: { type: 'object', description: 'Package name → version range', additionalProperties: str },
    objects: { type: 'integer' },
    sampleRecords: { type: 'integer' },
  },
});
export const InstalledPackage = named('InstalledPackage', {
  type: 'object',
  required: ['name', 'version', 'installedAt'],
  properties: { name: str, version: str, installedAt: dateTime },
});

// Metadata.
export const PlannedStep = named('PlannedStep', {
  type: 'object',
  title: 'One step of a migration plan',
  required: ['action', 'description', 'destructive'],
  properties: {
    action: { type: 'object', required: ['kind'], properties: { kind: str }, additionalProperties: true },
    description: { type: 'object', required: ['zh-CN', 'en'], properties: { 'zh-CN': str, en: str } },
    destructive: { type: 'boolean' },
    failingRows: { type: 'integer', description: 'For a type change: rows that would not convert unchanged (the publish is refused)' },
    roundedRows: { type: 'integer', description: 'For a type change: rows that would be rounded (refused unless rounding is accepted)' },
  },
});
export const InstallResult = named('InstallResult', {
  type: 'object',
  required: ['installed', 'unchanged', 'revision', 'steps', 'records', 'conflicts'],
  properties: {
    installed: {
      type: 'array',
      description: 'Packages installed or upgraded by this call (dependencies first)',
      items: { type: 'object', required: ['name', 'version', 'from'], properties: { name: str, version: str, from: { type: ['string', 'null'] } } },
    },
    unchanged: { type: 'array', description: 'Packages already installed at that version', items: str },
    revision: { type: ['integer', 'null'] },
    steps: { type: 'array', items: PlannedStep },
    records: { type: 'integer', description: 'Sample records loaded' },
    conflicts: {
      type: 'array',
      description: 'Where the package and the tenant both changed the same thing (kept or taken as onConflict said)',
      items: { type: 'object', required: ['path', 'base', 'ours', 'theirs'], properties: { path: str, base: {}, ours: {}, theirs: {} } },
    },
  },
});
/** A TEMPLATE_CONFLICT's details: where the package and the tenant both changed the same thing. */
export const TemplateConflict = named('TemplateConflict', {
  type: 'object',
  required: ['path', 'base', 'yours', 'template'],
  properties: {
    path: { type: 'string', description: 'A JSON-pointer-like path, items shown by key: `/objects[opportunity]/fields[stage]/label`' },
    base: { description: 'The value both started from (null: none)' },
    yours: { description: 'The tenant’s value (null: removed)' },
    template: { description: 'The package’s value (null: removed)' },
  },
});
export const TemplateConflictError = named('TemplateConflictError', {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId', 'details'],
      properties: {
        code: { enum: ['TEMPLATE_CONFLICT'] },
        message: str,
        requestId: str,
        details: {
          type: 'object',
          required: ['conflicts'],
          properties: { conflicts: { type: 'array', maxItems: 100, items: TemplateConflict } },
          additionalProperties: true,
        },
      },
    },
  },
});
export const InstallProgress = named('InstallProgress', {
  title: 'Where an install is: publishing the merged metadata, or loading sample records (`done` of `total`)',
  oneOf: [
    { type: 'object', required: ['phase'], properties: { phase: { enum: ['publish'] } } },
    {
      type: 'object',
      required: ['phase', 'done', 'total'],
      properties: { phase: { enum: ['sample-data'] }, done: { type: 'integer' }, total: { type: 'integer' } },
    },
  ],
});
export const InstallLine = named('InstallLine', {
  type: 'object',
  title: 'One line of a streamed install: progress, then the result or the error',
  properties: { progress: InstallProgress, result: InstallResult, error: ErrorBody.properties.error },
});
/** `value` with every `$ref` to the metadata schema's menu item in place of `to` (the document has no `$defs`). */
function menuRefs(value: unknown, to: Schema): unknown {
  if (!value || typeof value !== 'object') return value;
  if ((value as Schema).$ref === '#/$defs/menuItem') return to;
  if (Array.isArray(value)) return value.map((v) => menuRefs(v, to));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, menuRefs(v, to)]));
}
export const MenuItem = named('MenuItem', {} as Schema);
Object.assign(MenuItem, menuRefs(appSchema.$defs.menuItem, MenuItem));
const { $id: _id, $defs: _defs, ...app } = appSchema;
/** The metadata package's own JSON Schema (@tangram/metadata `appSchema`), as the document's component. */
export const AppMetadata = named('AppMetadata', {
  ...(menuRefs(app, MenuItem) as Schema),
  title: 'App metadata (objects, forms, views, menu, automations), as @tangram/metadata’s JSON Schema describes it',
});
/** From revision 1 on, published metadata is normalised (every id set, every default filled: @tangram/metadata's `ResolvedApp`). */
export const Published = named('Published', {
  type: 'object',
  required: ['revision', 'metadata'],
  properties: {
    revision: { type: 'integer', description: '0: nothing published yet (the metadata is then `{ objects: [] }`)' },
    metadata: AppMetadata,
  },
});
export const Draft = named('Draft', {
  type: 'object',
  required: ['metadata', 'baseRevision', 'updatedAt'],
  properties: {
    metadata: { description: 'The draft as the designer typed it (it may not be valid metadata yet)' },
    baseRevision: { type: 'integer' },
    updatedAt: { type: ['string', 'null'], format: 'date-time' },
  },
});
export const Plan = named('Plan', {
  type: 'object',
  required: ['baseRevision', 'steps', 'metadata'],
  properties: { baseRevision: { type: 'integer' }, steps: { type: 'array', items: PlannedStep }, metadata: AppMetadata },
});
export const RevisionSummary = named('RevisionSummary', {
  type: 'object',
  required: ['id', 'createdAt', 'createdBy', 'message', 'actions'],
  properties: {
    id: { type: 'integer' },
    createdAt: dateTime,
    createdBy: nullable(uuid),
    message: { type: ['string', 'null'] },
    actions: { type: 'array', items: { type: 'object', required: ['kind'], properties: { kind: str }, additionalProperties: true } },
  },
});
export const PublishedRevision = named('PublishedRevision', {
  type: 'object',
  title: 'A revision just published',
  required: ['id', 'createdAt', 'message', 'steps'],
  properties: { id: { type: 'integer' }, createdAt: dateTime, message: { type: ['string', 'null'] }, steps: { type: 'array', items: PlannedStep } },
});

export const Revision = named('Revision', {
  type: 'object',
  title: 'A revision with its metadata',
  required: ['id', 'createdAt', 'createdBy', 'message', 'actions', 'metadata'],
  properties: { ...(RevisionSummary.properties as Record<string, Schema>), metadata: AppMetadata },
});

// Access and organisation.
export const FieldAccess = named('FieldAccess', { enum: ['edit', 'read', 'hidden'] });
export const ObjectAccess = named('ObjectAccess', {
  type: 'object',
  title: 'What the caller may do with one object',
  required: ['create', 'import', 'read', 'update', 'delete', 'export', 'transfer', 'fields'],
  properties: {
    create: { type: 'boolean' },
    import: { type: 'boolean' },
    read: { type: 'boolean' },
    update: { type: 'boolean' },
    delete: { type: 'boolean' },
    export: { type: 'boolean' },
    transfer: { type: 'boolean' },
    fields: { type: 'object', description: 'Field name → access', additionalProperties: FieldAccess },
  },
});
export const MyAccess = named('MyAccess', {
  type: 'object',
  required: ['admin', 'designer', 'roles', 'objects'],
  properties: {
    admin: { type: 'boolean' },
    designer: { type: 'boolean' },
    roles: { type: 'array', items: str },
    objects: { type: 'object', description: 'Object name → rights', additionalProperties: ObjectAccess },
  },
});
export const Role = named('Role', {
  type: 'object',
  required: ['name', 'label', 'objects'],
  properties: {
    name: str,
    label: LocaleText,
    description: str,
    designer: { type: 'boolean' },
    objects: { type: 'object', description: 'Object name → permissions', additionalProperties: { type: 'object', additionalProperties: true } },
  },
});
export const Department = named('Department', {
  type: 'object',
  required: ['id', 'name', 'parentId', 'headId', 'sort', 'path'],
  properties: {
    id: uuid,
    name: str,
    parentId: nullable(uuid),
    headId: nullable(uuid),
    sort: { type: 'integer' },
    path: { type: 'array', description: 'Ids from the root down to this department, itself included', items: uuid },
  },
});
export const Member = named('Member', {
  type: 'object',
  required: ['id', 'name', 'email', 'mobile', 'employeeNo', 'position', 'managerId', 'active', 'departmentIds', 'primaryDepartmentId'],
  properties: {
    id: uuid,
    name: str,
    email: { type: ['string', 'null'] },
    mobile: { type: ['string', 'null'] },
    employeeNo: { type: ['string', 'null'] },
    position: { type: ['string', 'null'] },
    managerId: nullable(uuid),
    active: { type: 'boolean' },
    departmentIds: { type: 'array', items: uuid },
    primaryDepartmentId: nullable(uuid),
    tenantRole: { description: 'Tenant admins only', anyOf: [tenantRole, { type: 'null' }] },
    roles: { type: 'array', description: 'Tenant admins only: app roles', items: str },
  },
});
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
