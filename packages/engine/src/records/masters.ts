import { AppError } from '@tangram/errors';
import { assertInScope } from '../access/enforce';
import type { ObjectModel } from '../model/compile';
import { missingReference } from './references';
import type { Tx } from './tx';

/**
 * A detail line is part of its master (its lines change the master's rollups): writing one
 * (creating, changing, deleting, restoring it, moving it to another master) needs edit access to
 * every master involved. `masters` holds, by master-detail field, the master ids to check. A
 * master the member may not read is answered like one that does not exist (RECORD_REFERENCE_INVALID
 * on the field, the words checkReferences uses); one they read but may not edit is FORBIDDEN.
 * Masters created in this transaction are the writer's own: no query.
 */
export async function assertMastersEditable(tx: Tx, om: ObjectModel, masters: Map<string, Set<string>>): Promise<void> {
  const access = tx.ctx.access;
  if (!access) return;
  for (const f of om.fields) {
    if (!f.type.reference?.master) continue;
    const target = f.field.options.target as string;
    const master = tx.model.byId.get(target);
    if (!master) continue;
    const created = tx.created.get(target);
    for (const id of masters.get(f.name) ?? []) {
      if (created?.has(id.toLowerCase())) continue;
      try {
        await assertInScope(tx.trx, tx.schema, access.object(master), id, 'update');
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        if (e.code === 'RECORD_NOT_FOUND') throw AppError.problems('RECORD_REFERENCE_INVALID', [missingReference(f.name, target, [id])]);
        if (e.code === 'FORBIDDEN')
          throw new AppError('FORBIDDEN', {
            object: om.name,
            field: f.name,
            action: 'update',
            reason: 'writing a detail line needs edit access to its master',
          });
        throw e;
      }
    }
  }
}

/** The masters a write involves: those of the line as it is (`current`) and as it will be (`values`). */
export function mastersOf(om: ObjectModel, ...records: (Record<string, unknown> | undefined)[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of om.fields) {
    if (!f.type.reference?.master) continue;
    const ids = new Set<string>();
    for (const r of records) {
      const v = r?.[f.name];
      if (typeof v === 'string') ids.add(v);
    }
    if (ids.size) out.set(f.name, ids);
  }
  return out;
}
