import { AppError } from '@tangram/errors';
import type { UserAccess } from '../access/access';
import { assertInScope } from '../access/enforce';
import type { Db } from '../db/database';
import type { Model, ObjectModel } from '../model/compile';
import type { DryRunAction } from './dryrun';

// A dry run writes as its automation would (often as the system), so what it reads off the
// writer holds values its caller may not read: a hidden field's value before the change, a
// formula over it, a parent or child record outside their scope. A member's dry run is shown
// as their reads are: records they may not read are left out, and so are hidden fields.

/** Whether `access` may read the record as it is outside the dry run (its writes rolled back). */
async function mayRead(db: Db, schema: string, access: UserAccess, om: ObjectModel, id: string): Promise<boolean> {
  try {
    await assertInScope(db, schema, access.object(om), id, 'read');
    return true;
  } catch (e) {
    if (e instanceof AppError && (e.code === 'RECORD_NOT_FOUND' || e.code === 'FORBIDDEN')) return false;
    throw e;
  }
}

const readableOnly = (values: Record<string, unknown>, access: UserAccess, om: ObjectModel) => {
  const oa = access.object(om);
  return Object.fromEntries(Object.entries(values).filter(([k]) => oa.readable(k)));
};

async function redactAction(db: Db, schema: string, model: Model, access: UserAccess, a: DryRunAction): Promise<DryRunAction> {
  if (!a.updates && !a.creates) return a;
  const updates: NonNullable<DryRunAction['updates']> = [];
  for (const u of a.updates ?? []) {
    const om = model.byName.get(u.object);
    if (!om || !(await mayRead(db, schema, access, om, u.id))) continue;
    const oa = access.object(om);
    updates.push({ ...u, changes: u.changes.filter((c) => oa.readable(c.field)) });
  }
  const creates: NonNullable<DryRunAction['creates']> = [];
  for (const c of a.creates ?? []) {
    const om = model.byName.get(c.object);
    if (om && !access.object(om).scope('read').none) creates.push({ object: c.object, values: readableOnly(c.values, access, om) });
  }
  return { ...a, ...(a.updates ? { updates } : {}), ...(a.creates ? { creates } : {}) };
}

/**
 * The planned actions as `access` may see them: updates of records they cannot read (now, before
 * the dry run) and creates of objects they cannot read are left out, hidden fields everywhere.
 * @example actions = await redactPlan(db, schema, model, ctx.access, actions)
 */
export async function redactPlan(db: Db, schema: string, model: Model, access: UserAccess, actions: DryRunAction[]): Promise<DryRunAction[]> {
  const out: DryRunAction[] = [];
  for (const a of actions) out.push(await redactAction(db, schema, model, access, a));
  return out;
}
