import type { RecordQuery } from './types';

/**
 * Every query key of the web app, in one factory: `queryOptions` factories and invalidations use
 * these (no literal keys elsewhere). Nested keys start with their parent's, so invalidating a
 * parent (`records(tenant)`) reaches every query under it.
 */
export const keys = {
  session: () => ['session'] as const,
  market: () => ['market'] as const,
  installed: (tenant: string) => ['templates', tenant] as const,
  metadata: (tenant: string) => ['metadata', tenant] as const,
  draft: (tenant: string) => ['draft', tenant] as const,
  /** The publish plan of the draft as it is now (`doc`: the draft, so an edit asks again). */
  plan: (tenant: string, doc: unknown) => ['plan', tenant, doc] as const,
  revisions: (tenant: string) => ['revisions', tenant] as const,
  revisionDiff: (tenant: string, id: number) => ['diff', tenant, id] as const,
  /** The caller's rights, per published revision. */
  access: (tenant: string, revision: number) => ['access-me', tenant, revision] as const,
  roles: (tenant: string) => ['roles', tenant] as const,
  /** The members page (search and page). */
  members: (tenant: string) => ['members', tenant] as const,
  membersPage: (tenant: string, q: string, page: number) => ['members', tenant, q, page] as const,
  departments: (tenant: string) => ['departments', tenant] as const,
  member: (tenant: string, id: string | null | undefined) => ['member', tenant, id] as const,
  memberSearch: (tenant: string, q: string) => ['members-search', tenant, q] as const,
  /** The tenant's SMTP settings (admins). */
  mailSettings: (tenant: string) => ['mail-settings', tenant] as const,
  /** Every record query of a tenant (a template install adds records to any object). */
  allRecords: (tenant: string) => ['records', tenant] as const,
  records: (tenant: string, object: string) => ['records', tenant, object] as const,
  recordList: (tenant: string, object: string, q: RecordQuery) => ['records', tenant, object, 'list', q] as const,
  record: (tenant: string, object: string, id: string | undefined) => ['records', tenant, object, 'one', id] as const,
  /** A referenced record as a lookup shows it (fetched in batches, see recordApi.brief). */
  recordBrief: (tenant: string, object: string, id: string) => ['records', tenant, object, 'brief', id] as const,
  history: (tenant: string, object: string, id: string) => ['records', tenant, object, 'history', id] as const,
  /** The actions (buttons) the caller may run on a record now: under the object's records, so any write of them asks again. */
  recordActions: (tenant: string, object: string, id: string) => ['records', tenant, object, 'actions', id] as const,
  /** Everything about the signed-in user's notifications in a tenant (the stream invalidates it). */
  notifications: (tenant: string) => ['notifications', tenant] as const,
  unreadNotifications: (tenant: string) => ['notifications', tenant, 'unread'] as const,
  notificationList: (tenant: string) => ['notifications', tenant, 'list'] as const,
  notificationPreferences: (tenant: string) => ['notifications', tenant, 'preferences'] as const,
  /** Everything about approvals in a tenant (any approval write invalidates it). */
  approvals: (tenant: string) => ['approvals', tenant] as const,
  approvalCounts: (tenant: string) => ['approvals', tenant, 'counts'] as const,
  approvalInbox: (tenant: string, box: string) => ['approvals', tenant, 'inbox', box] as const,
  approval: (tenant: string, id: string) => ['approvals', tenant, 'one', id] as const,
  /** A record's instances: under approvals (an action changes them) and read again with them. */
  recordApprovals: (tenant: string, object: string, id: string) => ['approvals', tenant, 'record', object, id] as const,
  /** The enabled workflows the caller may start. */
  workflows: (tenant: string) => ['approvals', tenant, 'workflows'] as const,
  /** The run log of one automation. */
  automationRuns: (tenant: string, id: string) => ['automation-runs', tenant, id] as const,
  /** Everything about reports and dashboards in a tenant (what they show follows the records). */
  reports: (tenant: string) => ['reports', tenant] as const,
  dashboards: (tenant: string) => ['reports', tenant, 'dashboards'] as const,
  dashboard: (tenant: string, name: string) => ['reports', tenant, 'dashboard', name] as const,
  /** A published report run with a dashboard's filters. */
  reportRun: (tenant: string, report: string, filters: unknown) => ['reports', tenant, 'run', report, filters] as const,
  /** The builder's preview of a report being designed. */
  reportPreview: (tenant: string, spec: unknown) => ['reports', tenant, 'preview', spec] as const,
  /** The records behind one cell of a report. */
  reportDrill: (tenant: string, report: string, body: unknown) => ['reports', tenant, 'drill', report, body] as const,
  /** A reference picker's search (not refreshed by writes, as a picker's choices need not be). */
  picker: (tenant: string, object: string | undefined, search: string) => ['picker', tenant, object, search] as const,
};

/** Whether a query key is one record's (`keys.record`): writes that return the record set it instead of refetching it. */
export const isOneRecordKey = (key: readonly unknown[]): boolean => key[3] === 'one';
