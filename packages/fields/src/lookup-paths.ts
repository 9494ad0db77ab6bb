import type { ErrorCode, Problem } from '@tangram/errors';
import { type LogicSchema, type ValueKind, collectFields } from '@tangram/logic';
import type { Field, ObjectDef } from '@tangram/metadata';
import { logicSchema, systemFieldKinds } from './logic-schema';
import { fieldTypes, kindOf } from './registry';

// Lookup paths in automation conditions and formulas: `{"var": "account.level"}` reads the field
// `level` of the record the lookup field `account` points at (`{"var": "account"}` stays its id).
// A path follows lookup and master-detail fields, and may end in a user field's user
// (`owner_id.name`). Checked here at publish; the engine loads what a rule's paths read, one query
// per lookup a batch of records follows (engine automations/lookups.ts).

/** A lookup path follows at most this many lookups: `contract.account.owner_id.name` follows three. */
export const maxLookupHops = 3;

/** What a path may read of a user it reaches through a user field (`owner_id.name`). */
export const userLookupKinds: Readonly<Record<string, ValueKind>> = {
  id: 'uuid',
  name: 'text',
  email: 'text',
  mobile: 'text',
  position: 'text',
  employee_no: 'text',
  active: 'boolean',
};

/** System columns holding a user's id: a path may go on through them to the user. */
export const systemUserFields: ReadonlySet<string> = new Set(['created_by', 'updated_by', 'owner_id']);

type Reached = { object: ObjectDef } | 'user';
type Failed = { code: ErrorCode; message: string };
type Resolved = { kind: ValueKind } | Failed;
const failed = (x: unknown): x is Failed => typeof x === 'object' && x !== null && 'code' in x;

const liveField = (o: ObjectDef, name: string): Field | undefined => o.fields.find((f) => f.name === name && !f.archived);

/** Where a field leads: a record of another object, a user, or nowhere (not a lookup). */
function hop(o: ObjectDef, name: string, byId: Map<string, ObjectDef>): Reached | Failed {
  if (systemUserFields.has(name)) return 'user';
  const f = liveField(o, name);
  if (!f)
    return Object.hasOwn(systemFieldKinds, name)
      ? { code: 'AUTOMATION_LOOKUP_NOT_LOOKUP', message: `"${name}" of "${o.name}" is a system field, not a lookup` }
      : { code: 'AUTOMATION_LOOKUP_FIELD_UNKNOWN', message: `"${o.name}" has no field "${name.slice(0, 100)}"` };
  const ref = fieldTypes[f.type].reference;
  if (ref?.shape === 'single' && ref.toObject) {
    const target = byId.get(f.options.target as string);
    return target ? { object: target } : { code: 'AUTOMATION_LOOKUP_FIELD_UNKNOWN', message: `"${f.name}" points at no object` };
  }
  if (ref?.shape === 'single' && ref.target(f) === '_user') return 'user';
  return { code: 'AUTOMATION_LOOKUP_NOT_LOOKUP', message: `"${f.name}" of "${o.name}" is a ${f.type} field, not a lookup` };
}

/** The value a path ends on: a field (or system field) of the object reached, or a user's property. */
function end(at: Reached, name: string): Resolved {
  if (at === 'user') {
    const kind = Object.hasOwn(userLookupKinds, name) ? userLookupKinds[name] : undefined;
    return kind
      ? { kind }
      : { code: 'AUTOMATION_LOOKUP_FIELD_UNKNOWN', message: `a user has no "${name.slice(0, 100)}" (${Object.keys(userLookupKinds).join(', ')})` };
  }
  if (Object.hasOwn(systemFieldKinds, name)) return { kind: systemFieldKinds[name] as ValueKind };
  const f = liveField(at.object, name);
  const kind = f && fieldTypes[f.type].storage === 'column' ? kindOf(f) : null;
  if (kind) return { kind };
  return {
    code: 'AUTOMATION_LOOKUP_FIELD_UNKNOWN',
    message: f ? `"${f.name}" (${f.type}) of "${at.object.name}" cannot be read through a lookup` : `"${at.object.name}" has no field "${name.slice(0, 100)}"`,
  };
}

/**
 * Resolves a dotted name (`contract.account.level`) from `o`: the kind of value it reads, or why
 * it reads nothing. Every name but the last must be a lookup (or master-detail) field, or a user
 * field as the last but one; at most `maxLookupHops` of them.
 * @example resolveLookupPath('account.level', ticket, byId) // { kind: 'text' }
 */
export function resolveLookupPath(name: string, o: ObjectDef, byId: Map<string, ObjectDef>): Resolved {
  const parts = name.split('.');
  const hops = parts.slice(0, -1);
  if (hops.length > maxLookupHops)
    return { code: 'AUTOMATION_LOOKUP_TOO_DEEP', message: `"${name.slice(0, 200)}" follows ${hops.length} lookups; at most ${maxLookupHops}` };
  let at: Reached = { object: o };
  for (const [i, part] of hops.entries()) {
    if (at === 'user')
      return {
        code: 'AUTOMATION_LOOKUP_NOT_LOOKUP',
        message: `"${hops.slice(0, i).join('.')}" is a user: a path ends at its ${Object.keys(userLookupKinds).join(', ')}`,
      };
    const next = hop(at.object, part, byId);
    if (failed(next)) return next;
    at = next;
  }
  return end(at, parts.at(-1) as string);
}

/** The JSON pointer of a child, as @tangram/logic writes it (`/and/0/==/0`). */
function child(path: string, key: string | number): string {
  const token = String(key).replace(/~/g, '~0').replace(/\//g, '~1');
  return path === '/' ? `/${token}` : `${path}/${token}`;
}

/** Every `var` name in a rule with the pointer of its node. The rule must be measured (bounded) first. */
export function varsOf(rule: unknown, path = '/'): { name: string; path: string }[] {
  if (Array.isArray(rule)) return rule.flatMap((r, i) => varsOf(r, child(path, i)));
  if (typeof rule !== 'object' || rule === null) return [];
  const keys = Object.keys(rule);
  if (keys.length !== 1) return [];
  const [op] = keys as [string];
  const arg = (rule as Record<string, unknown>)[op];
  if (op !== 'var') return varsOf(arg, child(path, op));
  const name = Array.isArray(arg) ? arg[0] : arg;
  return typeof name === 'string' ? [{ name, path }] : [];
}

/** The dotted field names a rule reads (lookup paths), each once. */
export function lookupPathsOf(rule: unknown): string[] {
  return [...new Set(varsOf(rule).flatMap((v) => (v.name.includes('.') && !v.name.startsWith('$') ? [v.name] : [])))];
}

/**
 * The logic schema of `o` with the lookup paths `rule` reads added as fields (by their dotted
 * name), so checkRule types them; the paths that read nothing, and `$previous.<lookup>.<field>`,
 * as problems under `path` (checkRule then reports those names unknown too: drop its problems at the same paths).
 */
export function lookupSchema(o: ObjectDef, byId: Map<string, ObjectDef>, rule: unknown, path: string): { schema: LogicSchema; problems: Problem[] } {
  const schema = logicSchema(o);
  const problems: Problem[] = [];
  const at = (p: string) => `${path}${p === '/' ? '' : p}`;
  try {
    collectFields(rule); // measures it: a rule too deep or too large is checkRule's to report
  } catch {
    return { schema, problems };
  }
  for (const v of varsOf(rule)) {
    const parts = v.name.split('.');
    if (parts.length < 2) continue;
    if (parts[0] === '$previous') {
      if (parts.length > 2 && !failed(hop(o, parts[1] as string, byId)))
        problems.push({
          code: 'AUTOMATION_LOOKUP_PREVIOUS',
          path: at(v.path),
          message: `"${v.name.slice(0, 200)}": the values before a change are read by id only ($previous.${parts[1]})`,
        });
      continue;
    }
    if (v.name.startsWith('$') || Object.hasOwn(schema.fields, v.name)) continue;
    const r = resolveLookupPath(v.name, o, byId);
    if ('kind' in r) schema.fields[v.name] = { name: v.name, column: v.name, kind: r.kind };
    else problems.push({ code: r.code, path: at(v.path), message: `"${v.name.slice(0, 200)}": ${r.message}` });
  }
  return { schema, problems };
}
