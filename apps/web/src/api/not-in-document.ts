/**
 * ROUTES NOT YET IN THE SERVER'S OPENAPI DOCUMENT — hand-written, to be removed.
 *
 * The web client is typed from `schema.d.ts`, generated from the server's OpenAPI document
 * (`pnpm gen:api`). Routes the document does not describe yet are typed here, in the same shape
 * openapi-typescript writes, so calls through `client` look the same either way. `client.ts` uses
 * the generated description of a path whenever it has one (`Omit<NotInDocument, keyof paths>`):
 * once the document gains a route, its entry here is dead and should be deleted, and any
 * difference between this guess and the server's own description shows up as a type error.
 */
import type { ResolvedApp } from '@tangram/metadata';
import type { components } from './schema';

type ErrorAnswer = { headers: { [name: string]: unknown }; content: { 'application/json': components['schemas']['Error'] } };
type Ok<Res> = [Res] extends [null]
  ? { 204: { headers: { [name: string]: unknown }; content?: never }; default: ErrorAnswer }
  : { 200: { headers: { [name: string]: unknown }; content: { 'application/json': Res } }; default: ErrorAnswer };
type Params<Path, Query> = { header?: never; cookie?: never } & ([Path] extends [never] ? { path?: never } : { path: Path }) &
  ([Query] extends [never] ? { query?: never } : { query?: Query });
/** One operation: path parameters, answer (`null`: 204, no content), JSON body, query parameters (`never`: none). */
type Op<Path, Res, Body = never, Query = never> = { parameters: Params<Path, Query>; responses: Ok<Res> } & ([Body] extends [never]
  ? { requestBody?: never }
  : { requestBody: { content: { 'application/json': Body } } });

type T = { tenant: string };
type TO = { tenant: string; object: string };
type Rec = components['schemas']['Record'];

// --- auth and the app market ------------------------------------------------------------------
export interface User {
  id: string;
  email: string;
  name: string;
  platformAdmin: boolean;
}
export interface TenantMembership {
  slug: string;
  name: string;
  role: 'admin' | 'member' | string;
}
export interface Session {
  user: User;
  csrfToken: string | null;
  tenants: TenantMembership[];
}
export interface Accepted {
  tenant: { slug: string; name: string };
  role: 'admin' | 'member';
}
/** A package the app market offers (`GET /templates`). */
export interface MarketPackage {
  name: string;
  version: string;
  label: Record<string, string> | string;
  description: Record<string, string> | string | null;
  dependencies: Record<string, string>;
  objects: number;
  sampleRecords: number;
}
export interface InstalledPackage {
  name: string;
  version: string;
  installedAt: string;
}
export interface InstallBody {
  name: string;
  sampleData: boolean;
  onConflict?: 'keep-mine' | 'take-theirs';
}
export interface InstallResult {
  installed: { name: string; version: string; from: string | null }[];
  unchanged: string[];
  revision: number | null;
  records: number;
}

// --- metadata -----------------------------------------------------------------------------------
export interface Published {
  revision: number;
  metadata: ResolvedApp;
}
export interface Draft {
  metadata: unknown;
  baseRevision: number;
  updatedAt: string | null;
}
export interface PlannedStep {
  action: { kind: string };
  description: { 'zh-CN': string; en: string };
  destructive: boolean;
  failingRows?: number;
}
export interface RevisionSummary {
  id: number;
  createdAt: string;
  message: string | null;
}

// --- access and organisation --------------------------------------------------------------------
export type FieldAccess = 'edit' | 'read' | 'hidden';
/** What the signed-in member may do with one object (`GET /access/me`). */
export interface ObjectAccess {
  create: boolean;
  import: boolean;
  read: boolean;
  update: boolean;
  delete: boolean;
  export: boolean;
  transfer: boolean;
  fields: Record<string, FieldAccess>;
}
export interface MyAccess {
  admin: boolean;
  designer: boolean;
  roles: string[];
  objects: Record<string, ObjectAccess>;
}
export interface RoleDoc {
  name: string;
  label?: Record<string, string> | string;
  description?: string;
}
export interface Department {
  id: string;
  name: string;
  path?: string;
}
export interface OrgMember {
  id: string;
  name: string;
  email: string | null;
  position: string | null;
  tenantRole?: 'admin' | 'member' | null;
  roles?: string[];
}
export interface AddMemberBody {
  email: string;
  name: string;
  password?: string;
  role: 'admin' | 'member';
}
export interface Added {
  /** `id` only for someone now active (a platform admin adds directly; a tenant admin re-adding an active member). */
  user: { id?: string; email: string };
  role: 'admin' | 'member';
  status: 'active' | 'invited';
  invitationCode?: string;
}

// --- records: the POST query, bulk ----------------------------------------------------------------
export interface RecordQuery {
  filter?: unknown;
  sort?: { field: string; direction: 'asc' | 'desc' }[];
  limit?: number;
  offset?: number;
  search?: string;
  count?: boolean;
  deleted?: boolean;
  fields?: string[];
  expand?: string[];
}
export interface QueryResult {
  records: Rec[];
  total?: number;
  nextCursor?: string | null;
}
export interface BulkBody {
  update?: { id: string; version: number; values: Record<string, unknown> }[];
  delete?: string[];
}

export interface NotInDocument {
  '/api/v1/auth/me': { get: Op<never, Session> };
  '/api/v1/auth/login': { post: Op<never, Session, { email: string; password: string }> };
  '/api/v1/auth/logout': { post: Op<never, null> };
  '/api/v1/auth/invitations/accept': { post: Op<never, Accepted, { code: string }> };
  '/api/v1/templates': { get: Op<never, { templates: MarketPackage[] }> };
  '/api/v1/t/{tenant}/templates': { get: Op<T, { installed: InstalledPackage[] }> };
  /** Streamed (NDJSON) when asked with `accept: application/x-ndjson`; see `installTemplate`. */
  '/api/v1/t/{tenant}/templates/install': { post: Op<T, InstallResult, InstallBody> };
  '/api/v1/t/{tenant}/templates/{name}/export': { get: Op<T & { name: string }, { manifest: { name: string; version: string } }> };
  '/api/v1/t/{tenant}/metadata': { get: Op<T, Published> };
  '/api/v1/t/{tenant}/metadata/draft': { get: Op<T, Draft>; put: Op<T, unknown, { metadata: unknown; baseRevision: number }> };
  '/api/v1/t/{tenant}/metadata/plan': { post: Op<T, { steps: PlannedStep[]; baseRevision: number }, Record<string, never>> };
  '/api/v1/t/{tenant}/metadata/publish': { post: Op<T, { id: number }, { message?: string }> };
  '/api/v1/t/{tenant}/metadata/revisions': { get: Op<T, { revisions: RevisionSummary[] }> };
  '/api/v1/t/{tenant}/metadata/revisions/{id}/diff': { get: Op<T & { id: number }, { steps: PlannedStep[] }> };
  '/api/v1/t/{tenant}/metadata/revisions/{id}/rollback': { post: Op<T & { id: number }, { id: number }> };
  '/api/v1/t/{tenant}/access/me': { get: Op<T, MyAccess> };
  '/api/v1/t/{tenant}/access/roles': { get: Op<T, { roles: RoleDoc[] }> };
  '/api/v1/t/{tenant}/access/users/{id}/roles': { put: Op<T & { id: string }, unknown, { roles: string[] }> };
  '/api/v1/t/{tenant}/members': { post: Op<T, Added, AddMemberBody> };
  '/api/v1/t/{tenant}/org/members': {
    get: Op<T, { members: OrgMember[]; total: number }, never, { limit?: number; offset?: number; q?: string; ids?: string[] }>;
  };
  '/api/v1/t/{tenant}/org/departments': { get: Op<T, { departments: Department[] }> };
  '/api/v1/t/{tenant}/objects/{object}/records/query': { post: Op<TO, QueryResult, RecordQuery> };
  '/api/v1/t/{tenant}/objects/{object}/records/bulk': { post: Op<TO, { updated: Rec[]; deleted: number }, BulkBody> };
}
