import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import { runShaped } from '../db/shaped-query';
import type { AuditAction, Changes } from '../audit/audit';
import type { ObjectModel } from '../model/compile';
import type { EventName } from '../outbox/outbox';
import type { Tx } from './tx';

/**
 * Writes a record row (insert, or update by id) together with its audit row and outbox event as
 * one statement: one round trip instead of three. The statement is compiled once per object
 * model and set of columns written (`runShaped`), since building it costs more than running it.
 */
export async function writeLogged(
  tx: Tx,
  om: ObjectModel,
  kind: 'insert' | 'update',
  row: Record<string, unknown>,
  recordId: string,
  version: number,
  action: AuditAction,
  changes: Changes,
  event: EventName,
  payload: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const cols = Object.keys(row);
  const log = [om.id, recordId, version, action, JSON.stringify(changes), tx.ctx.actor ?? null, tx.ctx.requestId ?? null, event, JSON.stringify(payload)];
  const values = [...cols.map((c) => row[c]), ...(kind === 'update' ? [recordId] : []), ...log];
  const rows = await runShaped<Record<string, unknown>>(
    tx.trx,
    om,
    `${kind}:${tx.schema}:${cols.join(',')}`,
    (v) => {
      const set = Object.fromEntries(cols.map((c, i) => [c, v(i)]));
      const base = tx.trx.withSchema(tx.schema);
      const write =
        kind === 'insert'
          ? base.insertInto(om.table).values(set).returning(om.selectColumns)
          : base.updateTable(om.table).set(set).where('id', '=', v(cols.length)).returning(om.selectColumns);
      const at = kind === 'insert' ? cols.length : cols.length + 1;
      const p = (k: number) => v(at + k);
      return sql`with r as (${write}),
        a as (insert into ${sql.id(tx.schema, '_audit')} (object_id, record_id, version, action, changes, actor, request_id)
          values (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})),
        o as (insert into ${sql.id(tx.schema, '_outbox')} (event, object_id, record_id, payload, actor, request_id)
          values (${p(7)}, ${p(0)}, ${p(1)}, ${p(8)}, ${p(5)}, ${p(6)}))
        select * from r`.compile(tx.trx);
    },
    values,
  );
  const written = rows[0];
  if (!written) throw new AppError('RECORD_NOT_FOUND', { object: om.name, id: recordId });
  return written;
}
