import type { UserAccess } from './access';

/** Who is acting and for which request: written to the audit log and the outbox. */
export interface ActionContext {
  actor?: string | null;
  requestId?: string | null;
  /**
   * The actor's rights. Absent means unrestricted: tenant admins, the platform itself (CLI,
   * demo data, automations acting as the system). Present, every read and write is checked.
   */
  access?: UserAccess;
  /** Set by the import route: creating needs the import permission instead of create. */
  via?: 'import';
}

export type RecordAction = 'create' | 'read' | 'update' | 'delete' | 'restore' | 'purge';
