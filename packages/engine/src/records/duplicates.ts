import { AppError, type Problem } from '@tangram/errors';
import type { DuplicateRule } from '@tangram/metadata';
import { sql } from 'kysely';
import type { FieldModel, ObjectModel } from '../model/compile';
import { duplicateKey, duplicateKeySql } from '../schema/duplicate-key';
import type { Tx } from './tx';

// The keys duplicate rules compare live in schema/duplicate-key.ts: the duplicate-check index is
// built on the SQL one (docs/adr/0007-engine-layering.md).
export { duplicateKey, duplicateKeySql } from '../schema/duplicate-key';

const defaultMessage = (rule: DuplicateRule, label: Record<string, string>) => ({
  'zh-CN': `已有相同${label['zh-CN'] ?? ''}的记录`,
  en: `A record with the same ${label.en ?? label['zh-CN'] ?? rule.field} already exists`,
});

/**
 * Refuses a record that matches an existing one under the object's duplicate rules. On update
 * only the rules whose field is being written are checked. Concurrent writers of the same key
 * are serialised by a transaction-scoped advisory lock, so two of them cannot both get in.
 * Records in the recycle bin are not compared.
 *
 * Each problem names the record matched (`existing: { id, title }`) when the caller may read it,
 * so a form can offer to open it; one outside the caller's read scope is only said to exist (its
 * id and title are not given), and a hidden title field is left out.
 */
export async function checkDuplicates(
  tx: Tx,
  { om, record, written, self }: { om: ObjectModel; record: Record<string, unknown>; written: Set<string>; self?: string },
): Promise<void> {
  const checks: { rule: DuplicateRule; field: FieldModel; key: string }[] = [];
  for (const rule of om.def.duplicateRules) {
    const field = om.fields.find((x) => x.column === rule.field);
    if (!field || !written.has(field.name)) continue;
    const key = duplicateKey(record[field.name], rule.match);
    if (key !== null) checks.push({ rule, field, key });
  }
  if (!checks.length) return;
  // One statement takes the locks (in a fixed order, so two writers cannot deadlock), the next
  // looks for every rule's match: it runs after the locks are held, so it sees what a writer
  // that held one committed.
  const locks = checks.map((c) => [`${tx.schema}.${om.table}.${c.rule.id}`, c.key] as const).sort((x, y) => (x.join('\u0000') < y.join('\u0000') ? -1 : 1));
  await sql`select pg_advisory_xact_lock(hashtext(k1), hashtext(k2)) from (values ${sql.join(locks.map(([k1, k2]) => sql`(${k1}::text, ${k2}::text)`))}) as l(k1, k2)`.execute(
    tx.trx,
  );
  const table = sql.table(`${tx.schema}.${om.table}`);
  const matching = (c: (typeof checks)[number]) =>
    sql`r.deleted_at is null and ${duplicateKeySql(`r.${c.field.column}`, c.rule.match)} = ${c.key}${self ? sql` and r.id <> ${self}` : sql``}`;
  // The common case, no duplicate, costs one indexed existence probe per rule in one statement.
  const probes = checks.map((c, i) => sql`select ${i}::int as i where exists (select 1 from ${table} r where ${matching(c)})`);
  const found = await sql<{ i: number }>`${sql.join(probes, sql` union all `)}`.execute(tx.trx);
  if (!found.rows.length) return;
  // A refusal: which record matched (the oldest), and whether the caller may know it.
  const oa = tx.ctx.access?.object(om);
  const readable = oa?.scope('read').predicate ?? sql<boolean>`true`;
  const titleField = om.fields.find((f) => f.field.id === om.def.titleField);
  const title = titleField && oa?.field(titleField.name) !== 'hidden' ? sql`${sql.ref(`r.${titleField.column}`)}::text` : sql`null::text`;
  const matches = [];
  for (const r of found.rows) {
    const c = checks[r.i] as (typeof checks)[number];
    const row = await sql<{ id: string; title: string | null; readable: boolean }>`select r.id::text as id, ${title} as title, ${readable} as readable
      from ${table} r where ${matching(c)} order by r.created_at, r.id limit 1`.execute(tx.trx);
    matches.push({ ...c, match: row.rows[0] });
  }
  const problems: Problem[] = matches
    .sort((x, y) => om.def.duplicateRules.indexOf(x.rule) - om.def.duplicateRules.indexOf(y.rule))
    .map(({ rule, field, match }) => {
      const messages = rule.message ?? defaultMessage(rule, field.field.label);
      return {
        code: 'RECORD_DUPLICATE',
        rule: rule.id,
        field: field.name,
        message: messages['zh-CN'] ?? messages.en ?? rule.id,
        messages,
        ...(match?.readable ? { existing: { id: match.id, title: match.title } } : {}),
      };
    });
  throw AppError.problems('RECORD_DUPLICATE', problems);
}
