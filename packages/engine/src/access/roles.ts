import { AppError, type Problem } from '@tangram/errors';
import { checkRule } from '@tangram/logic';
import { type LocaleText, checkName } from '@tangram/metadata';
import type { Model } from '../model/compile';

/** Who a data scope lets through, by the record's owner (`owner_id`). */
export type ScopeName = 'none' | 'own' | 'department' | 'department_and_below' | 'all';
/** A scope: a named one, or a JSON Logic rule over the record with `$user` and `$now` variables. */
export type Scope = ScopeName | { rule: unknown };
export type FieldAccess = 'hidden' | 'read' | 'edit';
/** Actions that apply to records already there, each with a data scope. */
export const scopedActions = ['read', 'update', 'delete', 'export', 'transfer'] as const;
export type ScopedAction = (typeof scopedActions)[number];
/** Actions that make new records: allowed or not. */
export const createActions = ['create', 'import'] as const;
export type CreateAction = (typeof createActions)[number];

export interface ObjectPermission {
  create?: boolean;
  import?: boolean;
  read?: Scope;
  update?: Scope;
  delete?: Scope;
  export?: Scope;
  transfer?: Scope;
  /** Per field name; a field not listed is editable (within what the actions allow). */
  fields?: Record<string, FieldAccess>;
}

/**
 * A role: what its holders may do, per object (`"*"` applies to every object not listed).
 * A user's roles add up: each action's scopes are OR-ed, and a field takes the most open access
 * any role that reads the object gives it.
 */
export interface Role {
  name: string;
  label: LocaleText;
  description?: string;
  /** May edit metadata (objects, fields, forms) and publish. */
  designer?: boolean;
  objects: Record<string, ObjectPermission>;
}

export const scopeNames: readonly ScopeName[] = ['none', 'own', 'department', 'department_and_below', 'all'];
export const fieldAccessLevels: readonly FieldAccess[] = ['hidden', 'read', 'edit'];
/** The variables a JSON Logic scope may use. */
export const scopeVariables = ['$user', '$now'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a role document against the published model and returns it normalised. Objects and
 * fields must exist (so a typo cannot silently grant nothing or hide nothing); scopes must be a
 * known name or a JSON Logic rule that passes the rule checker for that object.
 */
export function checkRole(input: unknown, model: Model, nameFromPath?: string): Role {
  const problems: Problem[] = [];
  const add = (path: string, message: string, field?: string) =>
    problems.push({ code: 'ROLE_INVALID', path, message, ...(field !== undefined ? { field } : {}) });
  if (!isObject(input)) throw AppError.problems('ROLE_INVALID', [{ code: 'ROLE_INVALID', path: '/', message: 'must be an object' }]);
  const allowed = new Set(['name', 'label', 'description', 'designer', 'objects']);
  for (const k of Object.keys(input)) if (!allowed.has(k)) add(`/${k}`, 'unknown property');
  const name = input.name ?? nameFromPath;
  if (typeof name !== 'string' || checkName(name)) add('/name', 'must match ^[a-z][a-z0-9_]{0,62}$', 'name');
  else if (nameFromPath !== undefined && name !== nameFromPath) add('/name', 'must be the name in the URL', 'name');
  let label: LocaleText = { en: String(name) };
  if (typeof input.label === 'string' && input.label.length <= 100) label = { 'zh-CN': input.label, en: input.label };
  else if (isObject(input.label) && Object.values(input.label).every((v) => typeof v === 'string' && v.length <= 100)) label = input.label as LocaleText;
  else if (input.label !== undefined) add('/label', 'must be text or { locale: text }', 'label');
  if (input.description !== undefined && (typeof input.description !== 'string' || input.description.length > 1000))
    add('/description', 'must be text of at most 1000 characters', 'description');
  if (input.designer !== undefined && typeof input.designer !== 'boolean') add('/designer', 'must be true or false', 'designer');
  const objects: Record<string, ObjectPermission> = {};
  if (!isObject(input.objects)) add('/objects', 'must be an object keyed by object name', 'objects');
  else {
    for (const [objectName, perm] of Object.entries(input.objects)) {
      const path = `/objects/${objectName}`;
      const om = objectName === '*' ? undefined : model.byName.get(objectName);
      if (objectName !== '*' && !om) {
        add(path, `no object "${objectName.slice(0, 100)}"`);
        continue;
      }
      if (!isObject(perm)) {
        add(path, 'must be an object');
        continue;
      }
      const out: ObjectPermission = {};
      for (const [key, value] of Object.entries(perm)) {
        if ((createActions as readonly string[]).includes(key)) {
          if (typeof value !== 'boolean') add(`${path}/${key}`, 'must be true or false');
          else out[key as CreateAction] = value;
        } else if ((scopedActions as readonly string[]).includes(key)) {
          if (typeof value === 'string' && (scopeNames as readonly string[]).includes(value)) out[key as ScopedAction] = value as ScopeName;
          else if (isObject(value) && Object.keys(value).length === 1 && 'rule' in value) {
            if (!om) add(`${path}/${key}`, 'a rule scope needs a named object, not "*"');
            else {
              try {
                checkRule(value.rule, om.logic, { context: 'filter', variables: scopeVariables });
                out[key as ScopedAction] = { rule: value.rule };
              } catch (e) {
                const inner = e instanceof AppError ? ((e.details.problems as Problem[] | undefined) ?? []) : [];
                if (!inner.length) add(`${path}/${key}/rule`, e instanceof Error ? e.message : 'invalid rule');
                for (const p of inner) add(`${path}/${key}/rule${p.path && p.path !== '/' ? p.path : ''}`, p.message ?? 'invalid rule');
              }
            }
          } else add(`${path}/${key}`, `must be one of ${scopeNames.join(', ')} or { "rule": JSON Logic }`);
        } else if (key === 'fields') {
          if (!isObject(value)) {
            add(`${path}/fields`, 'must be an object keyed by field name');
            continue;
          }
          if (!om) {
            add(`${path}/fields`, 'field access needs a named object, not "*"');
            continue;
          }
          const fields: Record<string, FieldAccess> = {};
          for (const [fieldName, access] of Object.entries(value)) {
            if (!om.byName.has(fieldName)) add(`${path}/fields/${fieldName}`, `no field "${fieldName.slice(0, 100)}"`, fieldName);
            else if (typeof access !== 'string' || !(fieldAccessLevels as readonly string[]).includes(access))
              add(`${path}/fields/${fieldName}`, 'must be hidden, read or edit', fieldName);
            else fields[fieldName] = access as FieldAccess;
          }
          out.fields = fields;
        } else add(`${path}/${key}`, 'unknown permission');
      }
      objects[objectName] = out;
    }
  }
  if (problems.length) throw AppError.problems('ROLE_INVALID', problems);
  const role: Role = { name: name as string, label, objects };
  if (typeof input.description === 'string') role.description = input.description;
  if (input.designer === true) role.designer = true;
  return role;
}
