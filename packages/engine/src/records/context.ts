import type { ObjectModel } from '../model/compile';

/** Who is acting and for which request: written to the audit log and the outbox. */
export interface ActionContext {
  actor?: string | null;
  requestId?: string | null;
}

export type RecordAction = 'create' | 'read' | 'update' | 'delete' | 'restore' | 'purge';

/**
 * Authorisation hook, called inside the pipeline before anything is written (and before any
 * read is returned). The access-control layer implements it; the default allows everything.
 * It throws AppError('FORBIDDEN') to refuse.
 */
export interface Authorizer {
  authorize(ctx: ActionContext, action: RecordAction, object: ObjectModel, record?: Record<string, unknown>): void | Promise<void>;
}

export const allowAll: Authorizer = { authorize: () => {} };
