import type { Problem } from '@tangram/errors';
import type { LogicSchema, RuleContext, ValueKind } from './types';
import { canonicalDatetime, canonicalUuid, isDateLiteral } from './values';

/**
 * What the checker knows about a value: `string` is a text literal whose kind comes from what it
 * is compared with (a date, a uuid…); `any` is a variable whose value is bound later.
 */
export type Kind = ValueKind | 'null' | 'any' | 'string';

/** A checked part of a rule: its normalised JSON, its kind and what it is. */
export interface Checked {
  out: unknown;
  kind: Kind;
  shape: 'field' | 'variable' | 'literal' | 'op';
  path: string;
}

export interface CheckContext {
  schema: LogicSchema;
  context: RuleContext;
  roots: ReadonlySet<string>;
  problems: Problem[];
}

export type UnifyMode = 'eq' | 'order' | 'member' | 'branch';

const orderable = new Set<Kind>(['number', 'text', 'date', 'datetime']);
const loose = new Set<Kind>(['string', 'null', 'any']);

function mismatch(ctx: CheckContext, path: string, message: string): void {
  ctx.problems.push({ code: 'RULE_TYPE_MISMATCH', path, message });
}

/** Rewrites a text literal for a value of `kind`, or reports why it is not one. */
function coerceString(ctx: CheckContext, node: Checked, kind: Kind): void {
  const v = node.out as string;
  const shown = JSON.stringify(v.slice(0, 60));
  if (kind === 'text') return;
  if (kind === 'date') {
    if (!isDateLiteral(v)) mismatch(ctx, node.path, `${shown} is not a date 'YYYY-MM-DD'`);
  } else if (kind === 'datetime') {
    const c = canonicalDatetime(v);
    if (c === null) mismatch(ctx, node.path, `${shown} is not an ISO 8601 date-time with a time zone`);
    else node.out = c;
  } else if (kind === 'uuid') {
    const c = canonicalUuid(v);
    if (c === null) mismatch(ctx, node.path, `${shown} is not a UUID`);
    else node.out = c;
  } else mismatch(ctx, node.path, `text where a ${kind} value is expected (text is never converted)`);
}

/**
 * Makes the operands of one comparison agree on a kind: fields, variables of known kind and
 * number/boolean literals must all have the same kind; text literals are validated and normalised
 * for it. Returns the common kind (undefined when only nulls and variables take part).
 */
export function unify(ctx: CheckContext, nodes: Checked[], mode: UnifyMode, opPath: string): Kind | undefined {
  const anchorNode = nodes.find((n) => !loose.has(n.kind));
  let anchor: Kind | undefined = anchorNode?.kind;
  for (const n of nodes) {
    if (!loose.has(n.kind) && n.kind !== anchor) {
      mismatch(ctx, n.path, `compares ${anchor} with ${n.kind}`);
      return undefined;
    }
  }
  if (!anchor && nodes.some((n) => n.kind === 'string')) anchor = 'text';
  if (!anchor) return undefined;
  if (mode === 'order' && !orderable.has(anchor)) {
    mismatch(ctx, opPath, `${anchor} values cannot be ordered`);
    return undefined;
  }
  if ((mode === 'eq' || mode === 'member') && (anchor === 'textList' || anchor === 'json')) {
    const what = anchor === 'textList' ? 'a list field' : 'a JSON field';
    const others = nodes.filter((n) => n !== anchorNode && n.kind !== 'null' && n.kind !== 'any');
    if (mode === 'member' || others.length) {
      mismatch(ctx, mode === 'member' ? (anchorNode?.path ?? opPath) : (others[0]?.path ?? opPath), `${what} can only be compared with null`);
      return undefined;
    }
  }
  for (const n of nodes) if (n.kind === 'string') coerceString(ctx, n, anchor);
  return anchor;
}

/** The kind an `and`/`or`/`if` yields: the one kind of its values, ignoring nulls, else json. */
export function commonKind(kinds: Kind[]): Kind {
  const set = new Set(kinds.map((k) => (k === 'string' ? 'text' : k)).filter((k) => k !== 'null'));
  if (set.size === 0) return 'null';
  return set.size === 1 ? ([...set][0] as Kind) : 'any';
}

/** The kind as the public API reports it. */
export function publicKind(kind: Kind): ValueKind | 'null' {
  if (kind === 'string') return 'text';
  if (kind === 'any') return 'json';
  return kind;
}
