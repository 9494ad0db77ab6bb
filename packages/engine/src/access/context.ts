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
  /**
   * Set when an after-commit automation makes the write: its id and how deep in a chain of
   * automations it runs (1 for a run caused by a person's change). Written to the audit entry
   * (`via`) and the event's payload (`via`), where the dispatcher reads it to cut loops.
   */
  automation?: AutomationVia;
  /**
   * Set when the records written are history (a template's sample data): before-save automations
   * do not run on them (their values are kept as given).
   */
  history?: true;
  /**
   * Set when a record action (a button, e.g. 线索转换) makes the write: its id. Written to the
   * audit entry and the event as `via: { action, depth: 0 }` (automations it triggers run at depth 1).
   */
  recordAction?: string;
  /**
   * Set when a process instance writes its own record (its status field, a service task's
   * actions, the fields an approver edits with a decision): the record lock and the status
   * field's rule let it through. Written to the audit entry and the event as `via: { workflow }`.
   */
  workflow?: { instance: string; record: string };
}

/** Which automation made a write, and at what depth (see ActionContext.automation). */
export interface AutomationVia {
  automation: string;
  depth: number;
}

export type RecordAction = 'create' | 'read' | 'update' | 'delete' | 'restore' | 'purge';
