import type { Model, ObjectModel, UserAccess } from '@tangram/engine';
import { type ResponseDoc, type RouteDoc, type Schema, nameOf, routeDoc } from './declare';
import { ErrorBody, RecordCreate, RecordOut, RecordPage, RecordUpdate, nullable, systemProperties, uuid } from './schemas';

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

/** A route as fastify registered it (collected by an `onRoute` hook, see app.ts). */
export interface DeclaredRoute {
  method: string;
  url: string;
  schema?: unknown;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errors = {
  '4XX': { description: 'Error', content: { 'application/json': { schema: ref('Error') } } },
  '5XX': { description: 'Error', content: { 'application/json': { schema: ref('Error') } } },
};
const recordsPath = '/objects/:object/records';

/**
 * Copies a route's schema into the document: a named shared schema (openapi/schemas.ts) becomes a
 * `$ref` and, once, a component; `replace` puts another component in its place (an object's own
 * record schemas in place of the generic ones).
 */
class Components {
  constructor(
    readonly schemas: Record<string, unknown> = {},
    private readonly replace: Map<object, string> = new Map(),
  ) {}
  /** The same components, with `replace` in force. */
  with(replace: Map<object, string>): Components {
    return new Components(this.schemas, replace);
  }
  copy(value: unknown, top = true): unknown {
    if (!value || typeof value !== 'object') return value;
    const instead = this.replace.get(value);
    if (instead) return ref(instead);
    const name = top ? nameOf(value) : undefined;
    if (name) {
      if (!(name in this.schemas)) {
        this.schemas[name] = {};
        this.schemas[name] = this.copy(value, false);
      }
      return ref(name);
    }
    if (Array.isArray(value)) return value.map((v) => this.copy(v));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.copy(v)]));
  }
}

function response(c: Components, r: ResponseDoc | Schema, serialised: boolean): Schema {
  if (serialised) return { description: (r as Schema).description ?? 'OK', content: { 'application/json': { schema: c.copy(r) } } };
  const d = r as ResponseDoc;
  const content = d.content
    ? Object.fromEntries(Object.entries(d.content).map(([type, m]) => [type, { schema: c.copy(m.schema) }]))
    : d.schema
      ? { 'application/json': { schema: c.copy(d.schema) } }
      : undefined;
  return { description: d.description, ...(content ? { content } : {}) };
}

/** One operation of the document, from a route's declaration. `fixed` are path parameters given a value (tenant, object). */
function operation(c: Components, doc: RouteDoc, url: string, fixed: Record<string, string>, suffix: string, tags: string[]): Schema {
  const paramProps = (doc.params?.properties ?? {}) as Record<string, Schema>;
  const path = [...url.matchAll(/:(\w+)/g)]
    .map((m) => m[1] as string)
    .filter((name) => !(name in fixed))
    .map((name) => ({ name, in: 'path', required: true, schema: c.copy(paramProps[name] ?? { type: 'string' }) }));
  const q = doc.querystring as { properties?: Record<string, Schema>; required?: string[] } | undefined;
  const query = Object.entries(q?.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query', required: q?.required?.includes(name) ?? false, ...(description ? { description } : {}), schema: c.copy(rest) };
  });
  const headers = (doc.headerParams ?? []).map((h) => ({ ...h, in: 'header' }));
  const parameters = [...path, ...query, ...headers];
  const bodyType = doc.body?.type;
  const requestBody = doc.requestBody
    ? {
        required: doc.requestBody.required,
        content: Object.fromEntries(Object.entries(doc.requestBody.content).map(([t, m]) => [t, { schema: c.copy(m.schema) }])),
      }
    : doc.body
      ? { required: !(Array.isArray(bodyType) && bodyType.includes('null')), content: { 'application/json': { schema: c.copy(doc.body) } } }
      : undefined;
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(doc.response ?? {})) responses[status] = response(c, r, true);
  for (const [status, r] of Object.entries(doc.responses ?? {})) responses[status] = response(c, r, false);
  if (Object.keys(responses).length === 0) responses['200'] = { description: 'OK' };
  return {
    operationId: `${doc.operationId}${suffix}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags,
    ...(doc.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: { ...responses, ...errors },
  };
}

function addOperation(paths: Record<string, Record<string, unknown>>, path: string, method: string, op: Schema): void {
  paths[path] ??= {};
  (paths[path] as Record<string, unknown>)[method.toLowerCase()] = op;
}

const openapiPath = (url: string, fixed: Record<string, string>) =>
  url.replace(/:(\w+)/g, (_, name: string) => (name in fixed ? encodeURIComponent(fixed[name] as string) : `{${name}}`));

/** The declared routes with their declarations, once each (fastify's automatic HEAD routes left out). */
function declared(routes: readonly DeclaredRoute[]): { route: DeclaredRoute; doc: RouteDoc }[] {
  const out: { route: DeclaredRoute; doc: RouteDoc }[] = [];
  for (const route of routes) {
    const doc = routeDoc(route.schema);
    if (doc && route.method !== 'HEAD') out.push({ route, doc });
  }
  return out;
}

/** The paths of every declared route; with `tenant`, its `{tenant}` is that tenant's slug. */
function routePaths(c: Components, routes: readonly DeclaredRoute[], tenant?: string): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  const fixed: Record<string, string> = tenant === undefined ? {} : { tenant };
  for (const { route, doc } of declared(routes))
    addOperation(paths, openapiPath(route.url, fixed), route.method, operation(c, doc, route.url, fixed, '', doc.tags));
  return paths;
}

/**
 * Each object's record operations with its own schemas: the routes under
 * `/objects/:object/records`, once per object, the object named in the path.
 */
function objectPaths(c: Components, routes: readonly DeclaredRoute[], om: ObjectModel, tenant: string): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  const own = c.with(
    new Map<object, string>([
      [RecordOut, om.name],
      [RecordCreate, `${om.name}_create`],
      [RecordUpdate, `${om.name}_update`],
      [RecordPage, `${om.name}_page`],
    ]),
  );
  const tag = om.def.label['zh-CN'] ?? om.name;
  const fixed = { tenant, object: om.name };
  for (const { route, doc } of declared(routes)) {
    if (!route.url.includes(recordsPath) || (doc.poolOnly && !om.def.publicPool)) continue;
    addOperation(paths, openapiPath(route.url, fixed), route.method, operation(own, doc, route.url, fixed, `_${om.name}`, [tag]));
  }
  return paths;
}

const securitySchemes = {
  bearer: { type: 'http', scheme: 'bearer', description: 'An API token (tg_…)' },
  session: { type: 'apiKey', in: 'cookie', name: 'tangram_session' },
};

/**
 * The API's OpenAPI 3.1 document from the route declarations alone (`{tenant}` and `{object}` as
 * parameters, generic record schemas): what a client working across tenants and objects is
 * generated from (the web app's).
 */
export function apiOpenApi(routes: readonly DeclaredRoute[], serverUrl = '/'): Schema {
  const c = new Components();
  c.copy(ErrorBody);
  const paths = routePaths(c, routes);
  return {
    openapi: '3.1.0',
    info: { title: 'Tangram API', version: '1', description: 'Generated from the route declarations.' },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: { securitySchemes, schemas: c.schemas },
  };
}

/**
 * The OpenAPI 3.1 document of one tenant: every declared route (`routes`, as collected when the
 * app was built) with the tenant's slug in its path, and each published object's record
 * operations again with that object's own schemas (record, create, update, page), generated from
 * its metadata. With a member's `access` it describes what that member may use: objects they can
 * neither read nor create are left out, and so are the fields hidden from them.
 */
export function tenantOpenApi(model: Model, tenant: string, serverUrl = '/', access?: UserAccess, routes: readonly DeclaredRoute[] = []): Schema {
  const objects = [...model.byName.values()].filter((om) => {
    const oa = access?.object(om);
    return !oa || oa.grants('read') || oa.can('create');
  });
  const c = new Components();
  c.copy(ErrorBody);
  const paths = Object.assign(routePaths(c, routes, tenant), ...objects.map((om) => objectPaths(c, routes, om, tenant)));
  return {
    openapi: '3.1.0',
    info: {
      title: `Tangram API — ${tenant}`,
      version: `revision-${model.revision}`,
      description: 'Generated from the route declarations and the tenant’s published metadata.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      securitySchemes,
      schemas: { ...c.schemas, ...Object.assign({}, ...objects.map((om) => recordSchemas(om, access))) },
    },
  };
}
