import { AppError } from '@tangram/errors';
import { DummyDriver, type Expression, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type SqlBool } from 'kysely';
import type { LogicSchema } from './types';

/** A schema with one field of every kind; columns differ from names to show the mapping. */
export const schema: LogicSchema = {
  fields: {
    title: { name: 'title', column: 'c_title', kind: 'text' },
    note: { name: 'note', column: 'c_note', kind: 'text' },
    amount: { name: 'amount', column: 'c_amount', kind: 'number' },
    count: { name: 'count', column: 'c_count', kind: 'number' },
    active: { name: 'active', column: 'c_active', kind: 'boolean' },
    due: { name: 'due', column: 'c_due', kind: 'date' },
    at: { name: 'at', column: 'c_at', kind: 'datetime' },
    owner: { name: 'owner', column: 'c_owner', kind: 'uuid' },
    tags: { name: 'tags', column: 'c_tags', kind: 'textList' },
    extra: { name: 'extra', column: 'c_extra', kind: 'json' },
  },
};

/** The AppError `fn` throws (fails when it throws nothing or something else). */
export function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

/** The error's code and its problems as [code, path] pairs. */
export function problemsOf(fn: () => unknown): { code: string; problems: [string, string | undefined][] } {
  const e = caught(fn);
  const problems = (e.details.problems as { code: string; path?: string }[]).map((p): [string, string | undefined] => [p.code, p.path]);
  return { code: e.code, problems };
}

const db = new Kysely<Record<string, Record<string, unknown>>>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** The WHERE clause and parameters a predicate compiles to. */
export function whereOf(predicate: Expression<SqlBool>): { sql: string; parameters: unknown[] } {
  const q = db.selectFrom('t').select('id').where(predicate).compile();
  return { sql: q.sql.replace('select "id" from "t" where ', ''), parameters: [...q.parameters] };
}
