import { AppError } from '@tangram/errors';
import { type OperationNodeSource, sql } from 'kysely';
import type { AuditAction, Changes } from '../audit/audit';
import type { ObjectModel } from '../model/compile';
import type { EventName } from '../outbox/outbox';
import type { Tx } from './tx';

/**
 * Writes a change's audit row and its outbox event in one statement (one round trip), inside the
 * record's transaction: both exist exactly when the change commits.
 */
export async function logChange(
  tx: Tx,
  om: ObjectModel,
  recordId: string,
  version: number,
  action: AuditAction,
  changes: Changes,
  event: EventName,
  payload: Record<string, unknown>,
): Promise<void> {
  const actor = tx.ctx.actor ?? null;
  const requestId = tx.ctx.requestId ?? null;
  await sql`with a as (
      insert into ${sql.id(tx.schema, '_audit')} (object_id, record_id, version, action, changes, actor, request_id)
      values (${om.id}, ${recordId}, ${version}, ${action}, ${JSON.stringify(changes)}, ${actor}, ${requestId}))
    insert into ${sql.id(tx.schema, '_outbox')} (event, object_id, record_id, payload, actor, request_id)
    values (${event}, ${om.id}, ${recordId}, ${JSON.stringify(payload)}, ${actor}, ${requestId})`.execute(tx.trx);
}

/**
 * Runs a row write (an insert or update returning the row) together with its audit row and
 * outbox event as one statement: one round trip instead of three on every create and update.
 */
export async function writeLogged(
  tx: Tx,
  om: ObjectModel,
  write: OperationNodeSource,
  recordId: string,
  version: number,
  action: AuditAction,
  changes: Changes,
  event: EventName,
  payload: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const actor = tx.ctx.actor ?? null;
  const requestId = tx.ctx.requestId ?? null;
  const result = await sql<Record<string, unknown>>`with r as (${write}),
    a as (insert into ${sql.id(tx.schema, '_audit')} (object_id, record_id, version, action, changes, actor, request_id)
      values (${om.id}, ${recordId}, ${version}, ${action}, ${JSON.stringify(changes)}, ${actor}, ${requestId})),
    o as (insert into ${sql.id(tx.schema, '_outbox')} (event, object_id, record_id, payload, actor, request_id)
      values (${event}, ${om.id}, ${recordId}, ${JSON.stringify(payload)}, ${actor}, ${requestId}))
    select * from r`.execute(tx.trx);
  const row = result.rows[0];
  if (!row) throw new AppError('RECORD_NOT_FOUND', { object: om.name, id: recordId });
  return row;
}
