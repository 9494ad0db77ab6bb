import { AppError } from '@tangram/errors';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { checkRule } from './check';
import { evaluate, truthy } from './evaluate';
import { literalKind } from './literals';
import type { LogicSchema, Rule, RuleVariables, ValueKind } from './types';
import { bindVariables } from './variables';
import { operation } from './walk';

type Sql = RawBuilder<unknown>;
type Pred = RawBuilder<SqlBool>;

interface Operand {
  sql: Sql;
  kind: ValueKind | 'null' | 'text' | 'number' | 'boolean';
  field: boolean;
  literal?: unknown;
}

const arrayCast: Record<string, string> = {
  text: 'text[]', number: 'numeric[]', boolean: 'boolean[]', date: 'date[]', datetime: 'timestamptz[]', uuid: 'uuid[]',
};
const scalarCast: Record<string, string> = {
  text: 'text', number: 'numeric', boolean: 'boolean', date: 'date', datetime: 'timestamptz', uuid: 'uuid',
};

/** A predicate that is never NULL, so NOT and OR behave as they do in memory. */
const definite = (p: Sql): Pred => sql<SqlBool>`coalesce(${p}, false)`;

class Compiler {
  constructor(private readonly schema: LogicSchema, private readonly alias: string | undefined) {}

  private column(name: string): Sql {
    const f = this.schema.fields[name];
    if (!f) throw new AppError('RULE_FIELD_UNKNOWN', { field: name });
    return sql.ref(this.alias ? `${this.alias}.${f.column}` : f.column);
  }

  operand(node: unknown, kindHint?: string): Operand {
    const op = operation(node);
    if (op?.op === 'var') {
      const name = op.args[0] as string;
      const f = this.schema.fields[name];
      if (!f) throw new AppError('RULE_FIELD_UNKNOWN', { field: name });
      return { sql: this.column(name), kind: f.kind, field: true };
    }
    const kind = kindHint ?? literalKind(node) ?? 'text';
    const cast = scalarCast[kind] ?? 'text';
    return { sql: node === null ? sql`null` : sql`cast(${node} as ${sql.raw(cast)})`, kind: node === null ? 'null' : (kind as Operand['kind']), field: false, literal: node };
  }

  /** Truthiness of a value as json-logic sees it, per kind. */
  truth(node: unknown): Pred {
    const op = operation(node);
    if (op?.op !== 'var') return this.predicate(node);
    const o = this.operand(node);
    const c = o.sql;
    switch (o.kind) {
      case 'text': return sql<SqlBool>`(${c} is not null and ${c} <> '')`;
      case 'number': return sql<SqlBool>`(${c} is not null and ${c} <> 0)`;
      case 'boolean': return sql<SqlBool>`coalesce(${c}, false)`;
      case 'textList': return sql<SqlBool>`coalesce(cardinality(${c}), 0) > 0`;
      case 'json': return sql<SqlBool>`(${c} is not null and ${c} not in ('null'::jsonb, 'false'::jsonb, '0'::jsonb, '""'::jsonb, '[]'::jsonb))`;
      default: return sql<SqlBool>`${c} is not null`;
    }
  }

  private pair(a: unknown, b: unknown): [Operand, Operand] {
    const oa = this.operand(a);
    const ob = this.operand(b, oa.field ? oa.kind : undefined);
    return [oa.field || !ob.field ? oa : this.operand(a, ob.kind), ob];
  }

  private text(o: Operand): Sql {
    return o.kind === 'text' ? sql`${o.sql} collate "C"` : o.sql;
  }

  private comparison(op: string, args: unknown[]): Pred {
    if (args.length === 3) return sql<SqlBool>`(${this.comparison(op, [args[0], args[1]])} and ${this.comparison(op, [args[1], args[2]])})`;
    const [a, b] = this.pair(args[0], args[1]);
    if (op === '==' || op === '===' || op === '!=' || op === '!==') {
      const negate = op.startsWith('!');
      if (a.kind === 'null' || b.kind === 'null') {
        const other = a.kind === 'null' ? b : a;
        return other.kind === 'null' ? sql<SqlBool>`${sql.raw(negate ? 'false' : 'true')}` : sql<SqlBool>`${other.sql} is ${sql.raw(negate ? 'not null' : 'null')}`;
      }
      return sql<SqlBool>`${a.sql} is ${sql.raw(negate ? 'distinct' : 'not distinct')} from ${b.sql}`;
    }
    const sqlOp = sql.raw(op);
    return definite(sql`${this.text(a)} ${sqlOp} ${this.text(b)}`);
  }

  private membership(args: unknown[]): Pred {
    const [needle, hay] = args;
    if (Array.isArray(hay)) {
      const o = this.operand(needle);
      if (!hay.length) return sql<SqlBool>`false`;
      return definite(sql`${o.sql} = any(cast(${hay} as ${sql.raw(arrayCast[o.kind] ?? 'text[]')}))`);
    }
    const h = this.operand(hay);
    const n = this.operand(needle, 'text');
    if (h.kind === 'textList') return definite(sql`${n.sql} = any(${h.sql})`);
    return definite(sql`strpos(${h.sql}, ${n.sql}) > 0`);
  }

  predicate(node: unknown): Pred {
    const op = operation(node);
    if (!op) return sql<SqlBool>`${sql.raw(truthy(node) ? 'true' : 'false')}`;
    const { op: name, args } = op;
    if (!args.some((a) => JSON.stringify(a)?.includes('"var"')))
      return sql<SqlBool>`${sql.raw(truthy(evaluate(node, {})) ? 'true' : 'false')}`;
    switch (name) {
      case 'var': return this.truth(node);
      case 'and': return sql<SqlBool>`(${sql.join(args.map((a) => this.truth(a)), sql` and `)})`;
      case 'or': return sql<SqlBool>`(${sql.join(args.map((a) => this.truth(a)), sql` or `)})`;
      case '!': return sql<SqlBool>`not ${this.truth(args[0])}`;
      case '!!': return this.truth(args[0]);
      case 'in': return this.membership(args);
      default: return this.comparison(name, args);
    }
  }
}

/**
 * Compiles a filter to a Kysely boolean expression over the columns of `alias`. Every literal is
 * a bound parameter and lists are one array parameter, so the SQL text depends only on the
 * rule's shape. The rule is checked first (RULE_* errors), then variables are bound.
 * @example db.selectFrom('deal as r').selectAll().where(compileFilter(rule, schema, { alias: 'r' }))
 */
export function compileFilter(rule: Rule, schema: LogicSchema, opts: { alias?: string; vars?: RuleVariables } = {}): Expression<SqlBool> {
  const bound = opts.vars ? bindVariables(rule, opts.vars) : rule;
  const { rule: checked } = checkRule(bound, schema, { context: 'filter' });
  return new Compiler(schema, opts.alias).truth(checked);
}
