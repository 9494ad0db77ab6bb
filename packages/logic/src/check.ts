import { child, literalProblem, measureProblem, operationShapeProblem, throwProblems, varName } from './guard';
import { knownOperators, operatorAllowed } from './operators';
import type { LogicSchema, Rule, RuleContext, ValueKind } from './types';
import { type CheckContext, type Checked, type Kind, commonKind, publicKind, unify } from './unify';

export interface CheckOptions {
  context: RuleContext;
  /** Variable roots the rule may use, e.g. `['$user', '$now']`. */
  variables?: string[];
}

/** Variables whose kind is known; any other variable takes the kind of what it is compared with. */
const variableKinds: Record<string, Kind> = { $now: 'datetime', $today: 'date', '$user.id': 'uuid' };

const kindOfLiteral = (v: unknown): Kind => (v === null ? 'null' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : 'boolean');
const numeric = new Set<Kind>(['number', 'null', 'any']);
const textual = new Set<Kind>(['text', 'string', 'null', 'any']);
const temporal = new Set<Kind>(['datetime', 'date', 'null', 'any']);
const daysKinds = new Set<Kind>(['textList', 'text', 'string', 'null', 'any']);

function problem(
  ctx: CheckContext,
  code: 'RULE_INVALID' | 'RULE_OPERATOR_UNKNOWN' | 'RULE_FIELD_UNKNOWN' | 'RULE_TYPE_MISMATCH',
  path: string,
  message: string,
): void {
  ctx.problems.push({ code, path, message });
}

const opaque = (out: unknown, path: string): Checked => ({ out, kind: 'any', shape: 'literal', path });

/** Checks one value of a rule and returns it normalised, with its kind. */
function check(ctx: CheckContext, value: unknown, path: string): Checked {
  if (Array.isArray(value)) {
    problem(ctx, 'RULE_INVALID', path, 'a list is only allowed as the second operand of "in"');
    return opaque(value, path);
  }
  if (typeof value !== 'object' || value === null) {
    const why = literalProblem(value);
    if (why) problem(ctx, 'RULE_INVALID', path, why);
    return why ? opaque(value, path) : { out: value, kind: kindOfLiteral(value), shape: 'literal', path };
  }
  const shape = operationShapeProblem(value);
  if (shape) {
    problem(ctx, 'RULE_INVALID', path, shape);
    return opaque(null, path);
  }
  const [op, arg] = Object.entries(value)[0] as [string, unknown];
  if (!knownOperators.has(op)) {
    problem(ctx, 'RULE_OPERATOR_UNKNOWN', path, `unknown operator "${op.slice(0, 100)}"`);
    return opaque(null, path);
  }
  if (!operatorAllowed(op, ctx.context)) {
    problem(ctx, 'RULE_OPERATOR_UNKNOWN', path, `"${op}" is not allowed in a ${ctx.context}`);
    return opaque(null, path);
  }
  if (op === 'var') return checkVar(ctx, arg, path);
  const at = child(path, op);
  const args = Array.isArray(arg) ? arg : [arg];
  const argPath = (i: number) => (Array.isArray(arg) ? child(at, i) : at);
  return checkOperation(ctx, op, args, argPath, path);
}

function checkVar(ctx: CheckContext, arg: unknown, path: string): Checked {
  const v = varName(arg);
  if ('problem' in v) {
    problem(ctx, 'RULE_INVALID', path, v.problem);
    return opaque(null, path);
  }
  const name = v.name;
  if (name.startsWith('$')) {
    const root = name.split('.')[0] as string;
    if (!ctx.roots.has(root)) problem(ctx, 'RULE_FIELD_UNKNOWN', path, `unknown variable "${root.slice(0, 100)}"`);
    return { out: { var: name }, kind: variableKinds[name] ?? 'any', shape: 'variable', path };
  }
  const field = Object.hasOwn(ctx.schema.fields, name) ? ctx.schema.fields[name] : undefined;
  if (!field) {
    problem(ctx, 'RULE_FIELD_UNKNOWN', path, `no field "${name.slice(0, 100)}"`);
    return opaque({ var: name }, path);
  }
  return { out: { var: name }, kind: field.kind, shape: 'field', path };
}

/** An operand of a comparison; in a filter it must be a field, a variable or a value. */
function operand(ctx: CheckContext, value: unknown, path: string): Checked {
  const c = check(ctx, value, path);
  if (ctx.context === 'filter' && c.shape === 'op')
    problem(ctx, 'RULE_INVALID', path, 'in a filter, comparisons take fields, variables and values, not other operations');
  return c;
}

function arity(ctx: CheckContext, op: string, n: number, min: number, max: number, path: string): boolean {
  if (n >= min && n <= max) return true;
  const want = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
  problem(ctx, 'RULE_INVALID', path, `"${op}" takes ${want} operand${min === 1 && max === 1 ? '' : 's'}, not ${n}`);
  return false;
}

function requireKinds(ctx: CheckContext, nodes: Checked[], allowed: Set<Kind>, what: string): void {
  for (const n of nodes)
    if (!allowed.has(n.kind)) problem(ctx, 'RULE_TYPE_MISMATCH', n.path, `${n.kind === 'string' ? 'text' : n.kind} where ${what} is expected`);
}

function checkOperation(ctx: CheckContext, op: string, args: unknown[], argPath: (i: number) => string, path: string): Checked {
  const at = child(path, op);
  const done = (nodes: Checked[], kind: Kind): Checked => ({ out: { [op]: nodes.map((n) => n.out) }, kind, shape: 'op', path });
  switch (op) {
    case '==':
    case '===':
    case '!=':
    case '!==':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const nodes = args.map((a, i) => operand(ctx, a, argPath(i)));
      const max = op === '<' || op === '<=' ? 3 : 2;
      if (arity(ctx, op, args.length, 2, max, path)) unify(ctx, nodes, op.includes('=') && !op.startsWith('<') && !op.startsWith('>') ? 'eq' : 'order', path);
      return done(nodes, 'boolean');
    }
    case 'in':
      return checkIn(ctx, args, argPath, path);
    case 'and':
    case 'or': {
      const nodes = args.map((a, i) => check(ctx, a, argPath(i)));
      arity(ctx, op, args.length, 1, Number.POSITIVE_INFINITY, path);
      return done(nodes, commonKind(nodes.map((n) => n.kind)));
    }
    case '!':
    case '!!': {
      const nodes = args.map((a, i) => check(ctx, a, argPath(i)));
      arity(ctx, op, args.length, 1, 1, path);
      return done(nodes, 'boolean');
    }
    case 'if':
    case '?:': {
      const nodes = args.map((a, i) => check(ctx, a, argPath(i)));
      if (op === 'if' ? arity(ctx, op, args.length, 1, Number.POSITIVE_INFINITY, path) : arity(ctx, op, args.length, 3, 3, path)) {
        const branches = nodes.filter((_, i) => i % 2 === 1 || i === nodes.length - 1);
        return done(nodes, unify(ctx, branches, 'branch', path) ?? commonKind(branches.map((n) => n.kind)));
      }
      return done(nodes, 'any');
    }
    case 'cat': {
      const nodes = args.map((a, i) => check(ctx, a, argPath(i)));
      arity(ctx, op, args.length, 1, Number.POSITIVE_INFINITY, path);
      for (const n of nodes)
        if (n.kind === 'textList' || n.kind === 'json') problem(ctx, 'RULE_TYPE_MISMATCH', n.path, `cat joins single values, not ${n.kind}`);
      return done(nodes, 'text');
    }
    case 'substr': {
      const nodes = args.map((a, i) => check(ctx, a, argPath(i)));
      if (arity(ctx, op, args.length, 2, 3, path)) {
        requireKinds(ctx, nodes.slice(0, 1), textual, 'text');
        requireKinds(ctx, nodes.slice(1), numeric, 'a number');
      }
      return done(nodes, 'text');
    }
    case 'addMinutes': {
      const nodes = args.map((a, i) => check(ctx, a, argPath(i)));
      if (arity(ctx, op, args.length, 2, 2, path)) {
        requireKinds(ctx, nodes.slice(0, 1), temporal, 'a date or datetime');
        requireKinds(ctx, nodes.slice(1), numeric, 'a number of minutes');
      }
      return done(nodes, 'datetime');
    }
    case 'addWorkingMinutes': {
      // [at, minutes, day start "HH:MM", day end, working days (mon … sun: a list or comma-separated), IANA time zone]
      const nodes = args.map((a, i) => check(ctx, a, argPath(i)));
      if (arity(ctx, op, args.length, 6, 6, path)) {
        requireKinds(ctx, nodes.slice(0, 1), temporal, 'a date or datetime');
        requireKinds(ctx, nodes.slice(1, 2), numeric, 'a number of minutes');
        requireKinds(ctx, [...nodes.slice(2, 4), ...nodes.slice(5)], textual, 'text');
        requireKinds(ctx, nodes.slice(4, 5), daysKinds, 'working days (a multiselect or text)');
      }
      return done(nodes, 'datetime');
    }
    case 'date': {
      const nodes = args.map((a, i) => check(ctx, a, argPath(i)));
      if (arity(ctx, op, args.length, 3, 3, path)) requireKinds(ctx, nodes, numeric, 'a number (year, month, day)');
      return done(nodes, 'date');
    }
    default: {
      // + - * / % min max
      const nodes = args.map((a, i) => check(ctx, a, argPath(i)));
      const [min, max] = op === '-' ? [1, 2] : op === '/' || op === '%' ? [2, 2] : [1, Number.POSITIVE_INFINITY];
      if (arity(ctx, op, args.length, min, max, at)) requireKinds(ctx, nodes, numeric, 'a number');
      return done(nodes, 'number');
    }
  }
}

function listItem(ctx: CheckContext, value: unknown, path: string): Checked {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const c = check(ctx, value, path);
    if (c.shape === 'variable' || ctx.problems.some((p) => p.path === path)) return c;
    problem(ctx, 'RULE_INVALID', path, 'list items must be values or variables');
    return opaque(c.out, path);
  }
  const c = check(ctx, value, path);
  if (c.kind === 'null') problem(ctx, 'RULE_TYPE_MISMATCH', path, 'a list may not contain null (use "==" with null)');
  return c;
}

function checkIn(ctx: CheckContext, args: unknown[], argPath: (i: number) => string, path: string): Checked {
  const left = operand(ctx, args[0], argPath(0));
  const rightValue = args[1];
  if (Array.isArray(rightValue)) {
    const items = rightValue.map((v, i) => listItem(ctx, v, child(argPath(1), i)));
    if (arity(ctx, 'in', args.length, 2, 2, path)) unify(ctx, [left, ...items], 'member', path);
    return { out: { in: [left.out, items.map((n) => n.out), ...args.slice(2)] }, kind: 'boolean', shape: 'op', path };
  }
  const right = operand(ctx, rightValue, argPath(1));
  const nodes = [left, right];
  if (arity(ctx, 'in', args.length, 2, 2, path)) {
    if (right.kind === 'text' || right.kind === 'string' || right.kind === 'textList') requireKinds(ctx, [left], textual, 'text');
    else if (right.kind === 'any' || right.kind === 'null')
      requireKinds(ctx, [left], new Set<Kind>(['text', 'string', 'number', 'boolean', 'date', 'datetime', 'uuid', 'null', 'any']), 'a single value');
    else problem(ctx, 'RULE_TYPE_MISMATCH', right.path, `"in" looks in a list or a text, not in ${right.kind}`);
  }
  return { out: { in: nodes.map((n) => n.out) }, kind: 'boolean', shape: 'op', path };
}

/**
 * Checks a rule against the fields of an object and returns it normalised (unary shorthand as
 * lists, date-times as `toISOString()`, UUIDs in lower case) with the kind it yields.
 * Every problem is reported at once, each with a JSON-pointer path into the rule.
 * @example checkRule({ '>': [{ var: 'amount' }, 1000] }, schema, { context: 'filter' }) // { rule, kind: 'boolean' }
 * @throws AppError RULE_INVALID, RULE_OPERATOR_UNKNOWN, RULE_FIELD_UNKNOWN, RULE_TYPE_MISMATCH or RULE_TOO_COMPLEX
 */
export function checkRule(rule: Rule, schema: LogicSchema, opts: CheckOptions): { rule: Rule; kind: ValueKind | 'null' } {
  const measured = measureProblem(rule);
  if (measured) throwProblems([measured]);
  const ctx: CheckContext = { schema, context: opts.context, roots: new Set(opts.variables ?? []), problems: [] };
  const result = check(ctx, rule, '/');
  if (ctx.problems.length) throwProblems(ctx.problems);
  return { rule: result.out, kind: publicKind(result.kind) };
}
