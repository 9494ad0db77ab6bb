import { AppError, type Problem } from '@tangram/errors';
import { literalAs, literalKind } from './literals';
import { comparisonOperators, equalityOperators, isAllowed, orderingOperators } from './operators';
import { type LogicSchema, type Rule, type RuleContext, type ValueKind, variableKinds } from './types';
import { checkSize, isForbiddenPath, operation } from './walk';

type Kind = ValueKind | 'null' | 'uuidList' | 'list' | 'any';

interface Checked {
  node: unknown;
  kind: Kind;
  /** A field or variable reference (not a literal, not a computed value). */
  ref?: 'field' | 'variable';
  literal?: boolean;
}

interface Ctx {
  schema: LogicSchema;
  context: RuleContext;
  variables: Set<string>;
  problems: Problem[];
}

const noOrdering = new Set<Kind>(['boolean', 'uuid', 'textList', 'json', 'uuidList', 'list']);

function problem(ctx: Ctx, code: Problem['code'], path: string, message: string): Checked {
  ctx.problems.push({ code, path: path || '/', message });
  return { node: null, kind: 'any' };
}

function checkVar(args: unknown[], path: string, ctx: Ctx): Checked {
  const name = args[0];
  if (typeof name !== 'string' || name === '') return problem(ctx, 'RULE_INVALID', `${path}/var`, 'var needs a field name');
  if (args.length > 1 && ctx.context === 'filter') return problem(ctx, 'RULE_INVALID', `${path}/var`, 'a filter var has no default');
  if (isForbiddenPath(name)) return problem(ctx, 'RULE_INVALID', `${path}/var`, `"${name.slice(0, 100)}" is not allowed`);
  if (name.startsWith('$')) {
    const root = name.split('.')[0] as string;
    const kind = variableKinds[name];
    if (!ctx.variables.has(root) || !kind) return problem(ctx, 'RULE_FIELD_UNKNOWN', `${path}/var`, `unknown variable "${name.slice(0, 100)}"`);
    return { node: { var: name }, kind, ref: 'variable' };
  }
  const f = Object.prototype.hasOwnProperty.call(ctx.schema.fields, name) ? ctx.schema.fields[name] : undefined;
  if (!f) return problem(ctx, 'RULE_FIELD_UNKNOWN', `${path}/var`, `no field "${name.slice(0, 100)}"`);
  return { node: args.length > 1 ? { var: [name, args[1]] } : { var: name }, kind: f.kind, ref: 'field' };
}

/** Gives a bare literal the kind of the other operand, normalising it. */
function align(a: Checked, b: Checked, path: string, ctx: Ctx): [Checked, Checked] | undefined {
  const fix = (lit: Checked, kind: Kind): Checked | undefined => {
    if (kind === 'any' || kind === 'list' || kind === 'uuidList') return undefined;
    const v = literalAs(lit.node, kind === 'null' ? 'text' : kind);
    return v ? { ...lit, node: v.value, kind: lit.node === null ? 'null' : kind } : undefined;
  };
  if (a.literal && !b.literal && b.kind !== 'any') {
    const fa = fix(a, b.kind);
    if (!fa) return void problem(ctx, 'RULE_TYPE_MISMATCH', path, `${JSON.stringify(a.node)?.slice(0, 60)} is not a ${b.kind} value`);
    return [fa, b];
  }
  if (b.literal && !a.literal && a.kind !== 'any') {
    const fb = fix(b, a.kind);
    if (!fb) return void problem(ctx, 'RULE_TYPE_MISMATCH', path, `${JSON.stringify(b.node)?.slice(0, 60)} is not a ${a.kind} value`);
    return [a, fb];
  }
  if (a.kind !== b.kind && a.kind !== 'null' && b.kind !== 'null' && a.kind !== 'any' && b.kind !== 'any')
    return void problem(ctx, 'RULE_TYPE_MISMATCH', path, `cannot compare ${a.kind} with ${b.kind}`);
  return [a, b];
}

function checkComparison(op: string, args: unknown[], path: string, ctx: Ctx): Checked {
  const n = args.length;
  if (!(n === 2 || (n === 3 && (op === '<' || op === '<=')))) return problem(ctx, 'RULE_INVALID', `${path}/${op}`, `${op} takes ${op === '<' || op === '<=' ? '2 or 3' : '2'} operands`);
  const operands = args.map((a, i) => check(a, `${path}/${op}/${i}`, ctx));
  if (ctx.context === 'filter' && operands.some((o) => !o.ref && !o.literal && o.kind !== 'any'))
    return problem(ctx, 'RULE_INVALID', `${path}/${op}`, 'a filter compares fields, variables and values only');
  const out = [...operands];
  for (let i = 0; i + 1 < out.length; i++) {
    const pair = align(out[i] as Checked, out[i + 1] as Checked, `${path}/${op}`, ctx);
    if (!pair) return { node: null, kind: 'boolean' };
    [out[i], out[i + 1]] = pair;
    if (i === 0 && n === 3) {
      const again = align(out[0] as Checked, out[1] as Checked, `${path}/${op}`, ctx);
      if (again) [out[0], out[1]] = again;
    }
  }
  if (orderingOperators.has(op)) {
    const bad = out.find((o) => noOrdering.has(o.kind) || o.kind === 'null');
    if (bad) return problem(ctx, 'RULE_TYPE_MISMATCH', `${path}/${op}`, bad.kind === 'null' ? 'cannot order against null' : `${bad.kind} values cannot be ordered`);
  } else if (equalityOperators.has(op) && ctx.context === 'filter') {
    const bad = out.find((o) => o.kind === 'json' || o.kind === 'textList' || o.kind === 'uuidList') && !out.some((o) => o.kind === 'null');
    if (bad) return problem(ctx, 'RULE_TYPE_MISMATCH', `${path}/${op}`, 'lists and JSON can only be compared with null');
  }
  return { node: { [op]: out.map((o) => o.node) }, kind: 'boolean' };
}

function checkIn(args: unknown[], path: string, ctx: Ctx): Checked {
  if (args.length !== 2) return problem(ctx, 'RULE_INVALID', `${path}/in`, 'in takes 2 operands');
  const needle = check(args[0], `${path}/in/0`, ctx);
  if (ctx.context === 'filter' && !needle.ref && !needle.literal && needle.kind !== 'any') return problem(ctx, 'RULE_INVALID', `${path}/in/0`, 'a filter compares fields, variables and values only');
  if (Array.isArray(args[1])) {
    const kind = needle.kind;
    if (needle.literal || !['text', 'number', 'date', 'datetime', 'uuid', 'boolean', 'any'].includes(kind))
      return problem(ctx, 'RULE_TYPE_MISMATCH', `${path}/in/0`, 'membership needs a field of a scalar type');
    const items = (args[1] as unknown[]).map((item, i) => {
      const v = kind === 'any' ? { value: item } : literalAs(item, kind as ValueKind);
      if (!v) problem(ctx, 'RULE_TYPE_MISMATCH', `${path}/in/1/${i}`, `not a ${kind} value`);
      return v?.value ?? null;
    });
    return { node: { in: [needle.node, items] }, kind: 'boolean' };
  }
  const hay = check(args[1], `${path}/in/1`, ctx);
  if (!hay.ref) return problem(ctx, 'RULE_INVALID', `${path}/in/1`, 'in needs a list of values, a text field or a multi-select field');
  if (hay.kind === 'uuidList') {
    if (needle.kind !== 'uuid') return problem(ctx, 'RULE_TYPE_MISMATCH', `${path}/in/0`, 'needs a uuid field');
    return { node: { in: [needle.node, hay.node] }, kind: 'boolean' };
  }
  if (hay.kind !== 'text' && hay.kind !== 'textList') return problem(ctx, 'RULE_TYPE_MISMATCH', `${path}/in/1`, 'in needs a text or multi-select field');
  if (needle.kind !== 'text' || needle.node === null) return problem(ctx, 'RULE_TYPE_MISMATCH', `${path}/in/0`, 'needs text');
  return { node: { in: [needle.node, hay.node] }, kind: 'boolean' };
}

function checkCompute(op: string, args: unknown[], path: string, ctx: Ctx): Checked {
  const operands = args.map((a, i) => check(a, `${path}/${op}/${i}`, ctx));
  const node = { [op]: operands.map((o) => o.node) };
  if (['+', '-', '*', '/', '%', 'min', 'max'].includes(op)) {
    const bad = operands.findIndex((o) => !['number', 'null', 'any'].includes(o.kind));
    if (bad >= 0) return problem(ctx, 'RULE_TYPE_MISMATCH', `${path}/${op}/${bad}`, `${op} needs numbers`);
    return { node, kind: 'number' };
  }
  if (op === 'cat' || op === 'substr') return { node, kind: 'text' };
  const branches = operands.filter((_, i) => i % 2 === 1 || i === operands.length - 1);
  return { node, kind: branches.find((b) => b.kind !== 'null')?.kind ?? 'null' };
}

function check(node: unknown, path: string, ctx: Ctx): Checked {
  if (Array.isArray(node)) {
    if (ctx.context === 'filter') return problem(ctx, 'RULE_INVALID', path, 'a list is only allowed as the second operand of in');
    const items = node.map((n, i) => check(n, `${path}/${i}`, ctx));
    return { node: items.map((i) => i.node), kind: 'list' };
  }
  if (typeof node !== 'object' || node === null) {
    const kind = literalKind(node);
    if (!kind) return problem(ctx, 'RULE_INVALID', path, 'not a JSON value');
    if (typeof node === 'string' && node.includes('\u0000')) return problem(ctx, 'RULE_INVALID', path, 'text must not contain the NUL character');
    return { node, kind, literal: true };
  }
  const opn = operation(node);
  if (!opn) return problem(ctx, 'RULE_INVALID', path, 'an operation is an object with exactly one operator');
  const { op, args } = opn;
  if (!isAllowed(op, ctx.context)) return problem(ctx, 'RULE_OPERATOR_UNKNOWN', `${path}/${op.slice(0, 50)}`, `"${op.slice(0, 50)}" is not an operator allowed here`);
  if (op === 'var') return checkVar(args, path, ctx);
  if (comparisonOperators.has(op)) return checkComparison(op, args, path, ctx);
  if (op === 'in') return checkIn(args, path, ctx);
  if (op === 'and' || op === 'or') {
    if (!args.length) return problem(ctx, 'RULE_INVALID', `${path}/${op}`, `${op} needs at least one operand`);
    return { node: { [op]: args.map((a, i) => check(a, `${path}/${op}/${i}`, ctx).node) }, kind: 'boolean' };
  }
  if (op === '!' || op === '!!') {
    if (args.length !== 1) return problem(ctx, 'RULE_INVALID', `${path}/${op}`, `${op} takes one operand`);
    return { node: { [op]: [check(args[0], `${path}/${op}/0`, ctx).node] }, kind: 'boolean' };
  }
  return checkCompute(op, args, path, ctx);
}

/**
 * Checks a rule before it is stored or run: only operators allowed in its context, only fields
 * of the schema and the variables given, consistent types, no prototype keys, bounded size.
 * Returns the rule with its literals normalised and the kind of value it produces. Every
 * problem is reported at once, each with its path into the rule.
 * @example checkRule({ '>': [{ var: 'amount' }, 1000] }, schema, { context: 'filter' })
 */
export function checkRule(rule: Rule, schema: LogicSchema, opts: { context: RuleContext; variables?: string[] }): { rule: Rule; kind: ValueKind | 'null' } {
  checkSize(rule);
  const ctx: Ctx = { schema, context: opts.context, variables: new Set(opts.variables ?? []), problems: [] };
  const out = check(rule, '', ctx);
  if (ctx.problems.length) {
    const first = ctx.problems[0]?.code ?? 'RULE_INVALID';
    const code = ctx.problems.every((p) => p.code === first) ? first : 'RULE_INVALID';
    throw AppError.problems(code, ctx.problems);
  }
  const kind: ValueKind | 'null' = out.kind === 'list' || out.kind === 'uuidList' ? 'json' : out.kind === 'any' ? 'json' : out.kind;
  return { rule: out.node, kind };
}
