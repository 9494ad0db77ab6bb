import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import { assertAttachable } from '../files/access';
import { computeFormulas } from '../model/formulas';
import { automationBehaviours } from './automations';
import { nextNumber } from './autonumber';
import type { Behaviour, WriteContext } from './behaviours';
import { checkDuplicates } from './duplicates';
import { assertMastersEditable, mastersOf } from './masters';
import { checkReferences } from './references';
import { recomputeRollups } from './rollups';
import { checkValidationRules } from './rules';
import { touchParents } from './tx';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The values an update changes (given and different from the record as it is). */
function changedValues(w: WriteContext): Record<string, unknown> {
  return Object.fromEntries(Object.entries(w.values).filter(([k, v]) => !same(w.current?.[k], v)));
}

/**
 * The core's own behaviours, in the order they run within each phase. docs/architecture.md
 * ("Record pipeline") lists them; keep the two in step.
 */
export const coreBehaviours: readonly Behaviour[] = [
  {
    name: 'formulas.compute',
    phase: 'beforeValidate',
    actions: ['create', 'update'],
    run: (w) => {
      if (w.om.formulas.length) Object.assign(w.record, computeFormulas(w.om.formulas, w.record, w.tx.now.toISOString()));
    },
  },
  {
    name: 'validationRules.check',
    phase: 'validate',
    actions: ['create', 'update'],
    run: (w) => {
      if (w.om.def.validationRules.length) checkValidationRules(w.om, w.record, w.tx.ctx, w.tx.now.toISOString());
    },
  },
  {
    name: 'attachments.assertAttachable',
    phase: 'beforeWrite',
    actions: ['create', 'update'],
    run: (w) => assertAttachable(w.tx.trx, w.tx.schema, w.tx.model, w.tx.ctx.access, w.om, w.values, w.current),
  },
  {
    // A live record written since a deletion may hold the same company, phone…: restoring it would bring back a duplicate.
    name: 'duplicates.check',
    phase: 'beforeWrite',
    actions: ['create', 'update', 'restore'],
    run: async (w) => {
      if (!w.om.def.duplicateRules.length) return;
      const { tx, om, id } = w;
      if (w.action === 'create') await checkDuplicates(tx, { om, record: w.record, written: new Set(Object.keys(w.record)) });
      else if (w.action === 'update') await checkDuplicates(tx, { om, record: w.record, written: new Set(Object.keys(changedValues(w))), self: id });
      else await checkDuplicates(tx, { om, record: w.current ?? {}, written: new Set(om.fields.map((f) => f.name)), self: id });
    },
  },
  {
    name: 'references.check',
    phase: 'beforeWrite',
    actions: ['create', 'update'],
    run: (w) => checkReferences(w.tx, w.om, w.action === 'create' ? w.record : changedValues(w)),
  },
  {
    // A detail line written through its master was checked with it.
    name: 'masters.assertEditable',
    phase: 'beforeWrite',
    actions: ['create', 'update', 'delete', 'restore'],
    run: async (w) => {
      if (w.viaMaster) return;
      const masters =
        w.action === 'create' ? mastersOf(w.om, w.record) : w.action === 'update' ? mastersOf(w.om, w.current, w.values) : mastersOf(w.om, w.current);
      await assertMastersEditable(w.tx, w.om, masters);
    },
  },
  {
    // An object with a public pool (公海) may be given records without an owner; elsewhere no owner means the writer.
    name: 'publicPool.owner',
    phase: 'beforeWrite',
    actions: ['create'],
    run: (w) => {
      const owner = w.record.owner_id;
      if (!(owner === null && w.om.def.publicPool)) w.record.owner_id = owner ?? w.tx.ctx.actor ?? null;
    },
  },
  {
    // A member who owns `claimLimit` records of the object claims no more; their claims are serialised, so two at once cannot both pass.
    name: 'publicPool.claimLimit',
    phase: 'beforeWrite',
    actions: ['claim'],
    run: async ({ tx, om, id }) => {
      const limit = om.def.publicPool?.claimLimit;
      const actor = tx.ctx.actor;
      if (limit === undefined || !actor) return;
      await sql`select pg_advisory_xact_lock(hashtext(${`${tx.schema}.${om.table}.pool`}), hashtext(${actor}))`.execute(tx.trx);
      const held = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(`${tx.schema}.${om.table}`)} where owner_id = ${actor} and deleted_at is null`.execute(tx.trx);
      const n = Number(held.rows[0]?.n ?? 0);
      if (n >= limit) throw new AppError('POOL_CLAIM_LIMIT', { object: om.name, id, limit, held: n });
    },
  },
  {
    // Last of the checks: a number is taken only by a write about to happen (a rollback gives it back).
    name: 'autonumbers.assign',
    phase: 'beforeWrite',
    actions: ['create'],
    run: async (w) => {
      for (const f of w.om.autonumbers) w.record[f.name] = await nextNumber(w.tx, { om: w.om, field: f });
    },
  },
  {
    name: 'rollups.touchParents',
    phase: 'inTransaction',
    actions: ['create', 'update', 'delete', 'restore'],
    idleFor: (_model, om) => om.rollupsFed.length === 0,
    run: (w) => {
      if (w.action === 'create' || w.action === 'restore') touchParents(w.tx, w.om, w.row);
      else if (w.action === 'update') touchParents(w.tx, w.om, w.before, w.row);
      else touchParents(w.tx, w.om, w.before);
    },
  },
  {
    name: 'rollups.recompute',
    phase: 'beforeCommit',
    // Recomputes only the parents touched above, which a write of such a record touches none of.
    idleFor: (_model, om) => om.rollupsFed.length === 0,
    run: ({ tx }) => recomputeRollups(tx),
  },
  ...automationBehaviours,
];
