import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { checkRule } from './check';
import { evaluate } from './evaluate';
import type { LogicField, LogicSchema, Rule, RuleVariables } from './types';
import { truthy } from './values';
import { bindVariables } from './variables';

type Pred = RawBuilder<SqlBool>;
type Sql = RawBuilder<unknown>;

const casts: Record<string, string> = { text: 'text', number: 'numeric', boolean: 'boolean', date: 'date', datetime: 'timestamptz', uuid: 'uuid' };
const constant = (value: boolean): Pred => (value ? sql<SqlBool>`true` : sql<SqlBool>`false`);

function operation(node: unknown): { op: string; args: unknown[] } | null {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return null;
  const [op, arg] = Object.entries(node)[0] as [string, unknown];
  return { op, args: Array.isArray(arg) ? arg : [arg] };
}

/**
 * Translates a checked, variable-free filter. Every predicate is TRUE exactly when the rule is
 * truthy in memory, and FALSE or NULL otherwise; negation is therefore `is not true`, never `not`.
 */
class FilterCompiler {
  constructor(
    private readonly schema: LogicSchema,
    private readonly alias: string | undefined,
  ) {}

  private field(node: unknown): LogicField | undefined {
    const o = operation(node);
    if (o?.op !== 'var' || typeof o.args[0] !== 'string') return undefined;
    return Object.hasOwn(this.schema.fields, o.args[0]) ? this.schema.fields[o.args[0]] : undefined;
  }

  private mentionsField(node: unknown): boolean {
    if (Array.isArray(node)) return false;
    const o = operation(node);
    if (!o) return false;
    return o.op === 'var' ? this.field(node) !== undefined : o.args.some((a) => this.mentionsField(a));
  }

  private column(f: LogicField): Sql {
    return this.alias === undefined ? sql.id(f.column) : sql.id(this.alias, f.column);
  }

  private param(value: unknown, kind: string): Sql {
    return sql`${sql.val(value)}::${sql.raw(casts[kind] ?? 'text')}`;
  }

  /** A field or a literal of `kind`; text gets `COLLATE "C"` when it is ordered. */
  private term(node: unknown, kind: string, ordering: boolean): Sql {
    const f = this.field(node);
    const t = f ? this.column(f) : this.param(node, kind);
    return ordering && kind === 'text' ? sql`${t} collate "C"` : t;
  }

  predicate(node: unknown): Pred {
    const o = operation(node);
    if (!o) return constant(truthy(node));
    if (!this.mentionsField(node)) return constant(truthy(evaluate(node, {})));
    const { op, args } = o;
    switch (op) {
      case 'var':
        return this.truthiness(this.field(node) as LogicField);
      case 'and':
      case 'or':
        return sql<SqlBool>`(${sql.join(
          args.map((a) => this.predicate(a)),
          sql.raw(` ${op} `),
        )})`;
      case '!':
        return sql<SqlBool>`(${this.predicate(args[0])}) is not true`;
      case '!!':
        return this.predicate(args[0]);
      case '==':
      case '===':
        return this.equality(args, false);
      case '!=':
      case '!==':
        return this.equality(args, true);
      case 'in':
        return this.membership(args);
      default:
        return this.ordering(op, args);
    }
  }

  /** json-logic truthiness of a field's value, per kind. */
  private truthiness(f: LogicField): Pred {
    const c = this.column(f);
    switch (f.kind) {
      case 'text':
        return sql<SqlBool>`(${c} is not null and ${c} <> '')`;
      case 'number':
        return sql<SqlBool>`(${c} is not null and ${c} <> 0)`;
      case 'boolean':
        return sql<SqlBool>`${c} is true`;
      case 'textList':
        return sql<SqlBool>`coalesce(cardinality(${c}), 0) > 0`;
      case 'json':
        return sql<SqlBool>`(case jsonb_typeof(${c}) when 'object' then true when 'array' then ${c} <> '[]'::jsonb when 'string' then ${c} <> '""'::jsonb when 'number' then ${c} <> '0'::jsonb when 'boolean' then ${c} = 'true'::jsonb else false end)`;
      default:
        return sql<SqlBool>`${c} is not null`;
    }
  }

  private isNull(f: LogicField, negate: boolean): Pred {
    const c = this.column(f);
    // A JSON null reads as null in memory, so it counts as null here too.
    if (f.kind === 'json')
      return negate ? sql<SqlBool>`(${c} is not null and jsonb_typeof(${c}) <> 'null')` : sql<SqlBool>`(${c} is null or jsonb_typeof(${c}) = 'null')`;
    return negate ? sql<SqlBool>`${c} is not null` : sql<SqlBool>`${c} is null`;
  }

  private equality(args: unknown[], negate: boolean): Pred {
    const [a, b] = args;
    const fa = this.field(a);
    const fb = this.field(b);
    if (fa && fb) return sql<SqlBool>`${this.column(fa)} ${sql.raw(negate ? 'is distinct from' : 'is not distinct from')} ${this.column(fb)}`;
    const f = (fa ?? fb) as LogicField;
    const literal = fa ? b : a;
    if (literal === null) return this.isNull(f, negate);
    const [c, v] = [this.column(f), this.param(literal, f.kind)];
    return negate ? sql<SqlBool>`${c} is distinct from ${v}` : sql<SqlBool>`${c} = ${v}`;
  }

  private ordering(op: string, args: unknown[]): Pred {
    if (args.some((a) => a === null)) return constant(false);
    const kind = (args.map((a) => this.field(a)).find(Boolean) as LogicField).kind;
    const [t0, t1, t2] = args.map((a) => this.term(a, kind, true));
    const cmp = sql.raw(op);
    if (t2 === undefined) return sql<SqlBool>`${t0} ${cmp} ${t1}`;
    return sql<SqlBool>`(${t0} ${cmp} ${t1} and ${t1} ${cmp} ${t2})`;
  }

  private membership(args: unknown[]): Pred {
    const [a, b] = args;
    const fa = this.field(a);
    const fb = this.field(b);
    if (Array.isArray(b)) {
      // One array parameter, whatever the list's length: the SQL text stays the same.
      const f = fa as LogicField;
      return sql<SqlBool>`${this.column(f)} = any(${sql.val(b)}::${sql.raw(`${casts[f.kind] ?? 'text'}[]`)})`;
    }
    if (a === null || b === null) return constant(false);
    if (fb) {
      const needle = fa ? this.column(fa) : this.param(a, 'text');
      if (fb.kind === 'textList') return sql<SqlBool>`${needle} = any(${this.column(fb)})`;
      return sql<SqlBool>`strpos(${this.column(fb)}, ${needle}) > 0`;
    }
    return sql<SqlBool>`strpos(${this.param(b, 'text')}, ${this.column(fa as LogicField)}) > 0`;
  }
}

/**
 * Compiles a filter to a Kysely boolean expression over the columns of `alias` (unqualified when
 * absent). Variables in `opts.vars` are bound first and the rule is checked (RULE_* errors,
 * formula operators refused). Literals are always bound parameters and a list is one array
 * parameter, so the SQL text depends only on the rule's shape, not on its values.
 * The expression is TRUE for selected rows and FALSE or NULL otherwise: negate it with `is not true`.
 * @example db.selectFrom('deal as r').select('r.id').where(compileFilter({ in: [{ var: 'stage' }, ['won', 'lost']] }, schema, { alias: 'r' }))
 * // … where "r"."stage" = any($1::text[])
 */
export function compileFilter(rule: Rule, schema: LogicSchema, opts: { alias?: string; vars?: RuleVariables } = {}): Expression<SqlBool> {
  const bound = bindVariables(rule, opts.vars ?? {});
  const { rule: checked } = checkRule(bound, schema, { context: 'filter' });
  return new FilterCompiler(schema, opts.alias).predicate(checked);
}
