import { AppError, type Problem } from '@tangram/errors';
import type { DuplicateMatch, DuplicateRule } from '@tangram/metadata';
import { type RawBuilder, sql } from 'kysely';
import type { FieldModel, ObjectModel } from '../model/compile';
import type { Tx } from './tx';

// Duplicate rules (查重) compare a normalised key of a value. The key is computed twice — here
// for the value being written, and in SQL over the stored column — so the two must agree
// character for character; `duplicates.int.test.ts` checks them against each other.

// Full-width ASCII (U+FF01–U+FF5E) and the ideographic space become ASCII; capitals become small
// letters. One character-for-character table, so SQL's translate() and this code map alike.
const FROM: string[] = [];
const TO: string[] = [];
for (let c = 0xff01; c <= 0xff5e; c++) {
  FROM.push(String.fromCodePoint(c));
  TO.push(String.fromCodePoint(c - 0xfee0).toLowerCase());
}
FROM.push('\u3000');
TO.push(' ');
for (let c = 0x41; c <= 0x5a; c++) {
  FROM.push(String.fromCodePoint(c));
  TO.push(String.fromCodePoint(c + 0x20));
}
const fold = new Map(FROM.map((c, i) => [c, TO[i] as string]));
const translateFrom = FROM.join('');
const translateTo = TO.join('');

// Patterns written once for both engines: JavaScript's and PostgreSQL's regular expressions
// read them alike (longer alternatives first, so leftmost-first and leftmost-longest agree).
const SPACE = '[ \\t\\n\\r\\f\\v]';
const LEGAL_FORM = '有限责任公司|股份有限公司|有限公司|股份|\\(中国\\)';
const NOT_DIGIT = '[^0-9]';
const COUNTRY_CODE = '^86([0-9]{11})$';

/** The key a duplicate rule compares; null when there is nothing to compare. */
export function duplicateKey(value: unknown, match: DuplicateMatch): string | null {
  if (typeof value !== 'string') return null;
  let key = Array.from(value, (c) => fold.get(c) ?? c)
    .join('')
    .replace(new RegExp(SPACE, 'g'), '');
  if (match === 'company') key = key.replace(new RegExp(LEGAL_FORM, 'g'), '');
  if (match === 'phone') key = key.replace(new RegExp(NOT_DIGIT, 'g'), '').replace(new RegExp(COUNTRY_CODE), '$1');
  return key === '' ? null : key;
}

/**
 * The same key in SQL, over a column. Its constants are literals, not parameters, so the
 * expression is the one the duplicate-check index (`dup-*` in desired-indexes) is built on, and
 * a lookup by key uses that index.
 */
export function duplicateKeySql(column: string, match: DuplicateMatch): RawBuilder<string> {
  const lit = (s: string) => sql.lit(s);
  let key = sql<string>`regexp_replace(translate(${sql.ref(column)}, ${lit(translateFrom)}, ${lit(translateTo)}), ${lit(SPACE)}, '', 'g')`;
  if (match === 'company') key = sql<string>`regexp_replace(${key}, ${lit(LEGAL_FORM)}, '', 'g')`;
  if (match === 'phone') key = sql<string>`regexp_replace(regexp_replace(${key}, ${lit(NOT_DIGIT)}, '', 'g'), ${lit(COUNTRY_CODE)}, '\\1')`;
  return key;
}

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
