import type { DuplicateMatch } from '@tangram/metadata';
import { type RawBuilder, sql } from 'kysely';

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
