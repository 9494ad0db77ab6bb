import type { FastifySchema } from 'fastify';

/** A JSON Schema (plain objects, as fastify's ajv and the OpenAPI document take them). */
export type Schema = Record<string, unknown>;

/** A documented answer: a JSON body (`schema`), other media types (`content`), or none. */
export interface ResponseDoc {
  description: string;
  schema?: Schema;
  content?: Record<string, { schema: Schema }>;
}

/**
 * What a route declares once: fastify validates `params`, `querystring`, `body` and `headers`
 * with it (compiled by ajv at start-up), serialises with `response` where given, and the OpenAPI
 * document is generated from it (openapi/generate.ts). `responses` and `requestBody` are for the
 * document only: answers whose shape depends on the tenant's metadata (records) are not
 * serialised by a fixed schema, which would drop the tenant's fields.
 */
export interface RouteDoc {
  /** Stable and readable: the typed web client's method names come from it (`listRecords`, `signIn`). */
  operationId: string;
  summary: string;
  tags: string[];
  description?: string;
  params?: Schema;
  querystring?: Schema;
  body?: Schema;
  headers?: Schema;
  /** Serialised with fast-json-stringify (only where the shape is fixed and complete). */
  response?: Record<number, Schema>;
  /** Documented only. */
  responses?: Record<number | string, ResponseDoc>;
  /** Documented only: a body fastify does not parse as JSON (multipart). */
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  /** Documented only: request headers the handler reads itself. */
  headerParams?: { name: string; required: boolean; description: string; schema: Schema }[];
  /** Anyone may call it (no credentials in the document). */
  public?: boolean;
  /** A record operation offered per object only where the object has a public pool. */
  poolOnly?: boolean;
}

const declared = new WeakMap<object, RouteDoc>();

/**
 * A route's `schema` option from its declaration: `{ schema: route({...}) }`. Fastify sees the
 * usual keys (and `operationId`, `summary`, `tags`, as @fastify/swagger reads them); the rest of
 * the declaration is found again by `routeDoc` when the document is generated.
 */
export function route(doc: RouteDoc): FastifySchema {
  const schema: FastifySchema & Schema = { operationId: doc.operationId, summary: doc.summary, tags: doc.tags };
  if (doc.description) schema.description = doc.description;
  if (doc.params) schema.params = doc.params;
  if (doc.querystring) schema.querystring = doc.querystring;
  if (doc.body) schema.body = doc.body;
  if (doc.headers) schema.headers = doc.headers;
  if (doc.response) schema.response = doc.response;
  declared.set(schema, doc);
  return schema;
}

/** The declaration a route's schema came from (undefined: the route declared none). */
export function routeDoc(schema: unknown): RouteDoc | undefined {
  return schema && typeof schema === 'object' ? declared.get(schema) : undefined;
}

const names = new Map<object, string>();

/** A shared schema with a name: it appears once in the document's components, referenced by name. */
export function named<T extends Schema>(name: string, schema: T): T {
  names.set(schema, name);
  return schema;
}

/** The component name of a shared schema (undefined for an inline one). */
export function nameOf(schema: object): string | undefined {
  return names.get(schema);
}
