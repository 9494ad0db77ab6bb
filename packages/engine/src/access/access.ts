import { AppError } from '@tangram/errors';
import { type RuleVariables, bindVariables, checkRule, collectFields, compileFilter } from '@tangram/logic';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { ObjectModel } from '../model/compile';
import { anyUuid } from '../db/sql-helpers';
import { type CreateAction, type FieldAccess, type ObjectPermission, type Role, type Scope, type ScopedAction, scopeVariables } from './roles';

/** Who is asking, with everything their data scopes need, resolved once per cache period. */
export interface Viewer {
  id: string;
  departmentIds: string[];
  /** Members of the viewer's departments (本部门). */
  departmentUserIds: string[];
  /** Members of the viewer's departments and of every department below them (本部门及下级). */
  subtreeUserIds: string[];
  /** Everyone reporting to the viewer, directly or through others. */
  subordinateIds: string[];
  roles: Role[];
}

/**
 * A data scope compiled for one viewer and object: `null` lets every record through, otherwise a
 * predicate on alias `r`. `key` identifies the predicate's SQL and values (for plan caches): one
 * viewer's resolution, one action. It is undefined when the predicate depends on the time (`$now`).
 */
export interface CompiledScope {
  predicate: Expression<SqlBool> | null;
  /** No record at all (no role grants the action). */
  none: boolean;
  key: string | undefined;
}

const rank: Record<FieldAccess, number> = { hidden: 0, read: 1, edit: 2 };
// System columns every reader may see and filter on.
const systemFields = new Set(['id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by', 'owner_id', 'deleted_at', 'deleted_by']);

/** One viewer's rights on one object (one metadata revision), worked out once and kept. */
export class ObjectAccess {
  private readonly perms: ObjectPermission[];
  private readonly fieldAccess = new Map<string, FieldAccess>();
  private readonly scopes = new Map<string, CompiledScope>();
  /** Field names this viewer may not read (formulas over hidden fields included). */
  readonly hidden: Set<string>;

  constructor(
    private readonly viewer: Viewer,
    readonly om: ObjectModel,
    private readonly schema: string,
    private readonly serial: number,
  ) {
    this.perms = viewer.roles.map((r) => r.objects[om.name] ?? r.objects['*']).filter((p): p is ObjectPermission => !!p);
    const readers = this.perms.filter((p) => p.read !== undefined && p.read !== 'none');
    for (const f of om.fields) {
      let best: FieldAccess = 'hidden';
      for (const p of readers) {
        const a = p.fields?.[f.name] ?? 'edit';
        if (rank[a] > rank[best]) best = a;
      }
      this.fieldAccess.set(f.name, best);
    }
    // A formula shows what it is computed from: over a hidden field, it is hidden too.
    for (let changed = true; changed; ) {
      changed = false;
      for (const f of om.formulas) {
        if (this.fieldAccess.get(f.name) === 'hidden') continue;
        let uses: string[] = [];
        try {
          uses = collectFields(f.field.options.expression as never);
        } catch {
          uses = [];
        }
        if (uses.some((u) => this.fieldAccess.get(u) === 'hidden')) {
          this.fieldAccess.set(f.name, 'hidden');
          changed = true;
        }
      }
    }
    this.hidden = new Set([...this.fieldAccess].filter(([, a]) => a === 'hidden').map(([n]) => n));
  }

  can(action: CreateAction): boolean {
    return this.perms.some((p) => p[action] === true);
  }

  /** Whether any role grants this action on some records. */
  grants(action: ScopedAction): boolean {
    return this.perms.some((p) => p[action] !== undefined && p[action] !== 'none');
  }

  field(name: string): FieldAccess {
    if (systemFields.has(name)) return 'read';
    return this.fieldAccess.get(name) ?? 'hidden';
  }

  readable(name: string): boolean {
    return this.field(name) !== 'hidden';
  }

  /** The union of the roles' scopes for `action`, plus records shared with the viewer (read, update). */
  scope(action: ScopedAction): CompiledScope {
    const cached = this.scopes.get(action);
    if (cached) return cached;
    const scopes = this.perms.map((p) => p[action]).filter((s): s is Scope => s !== undefined && s !== 'none');
    let result: CompiledScope;
    if (!scopes.length) result = { predicate: sql<SqlBool>`false`, none: true, key: 'none' };
    else if (scopes.includes('all')) result = { predicate: null, none: false, key: 'all' };
    else {
      const parts: Expression<SqlBool>[] = [];
      let cacheable = true;
      const v = this.viewer;
      for (const s of new Set(scopes.map((s) => (typeof s === 'string' ? s : JSON.stringify(s))))) {
        if (s === 'own') {
          parts.push(sql<SqlBool>`r.owner_id = ${v.id}`);
        } else if (s === 'department') {
          parts.push(sql<SqlBool>`r.owner_id = ${anyUuid(v.departmentUserIds)}`);
        } else if (s === 'department_and_below') {
          parts.push(sql<SqlBool>`r.owner_id = ${anyUuid(v.subtreeUserIds)}`);
        } else {
          const rule = (JSON.parse(s) as { rule: unknown }).rule;
          if (JSON.stringify(rule).includes('$now')) cacheable = false;
          parts.push(compileScopeRule(this.om, rule, scopeVars(v)));
        }
      }
      // The public pool (公海): records without an owner are there for everyone who reads the object.
      if (action === 'read' && this.om.def.publicPool) parts.push(sql<SqlBool>`r.owner_id is null`);
      if (action === 'read' || action === 'update') {
        // Records shared with the viewer or one of their departments (edit shares allow updates).
        const access = action === 'read' ? sql`` : sql` and s.access = 'edit'`;
        parts.push(
          sql<SqlBool>`r.id in (select s.record_id from ${sql.id(this.schema, '_record_share')} s where s.object_id = ${this.om.id}${access} and (s.user_id = ${v.id} or s.department_id = ${anyUuid(v.departmentIds)}))`,
        );
      }
      const predicate = parts.length === 1 ? (parts[0] as Expression<SqlBool>) : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
      result = { predicate, none: false, key: cacheable ? `${this.serial}:${action}` : undefined };
    }
    if (result.key !== undefined) this.scopes.set(action, result);
    return result;
  }

  /** Refuses naming a field this viewer may not read (filter, sort, group, measure, field list). */
  assertReadable(names: Iterable<string>, path: string): void {
    for (const n of names)
      if (typeof n === 'string' && this.om.byName.has(n) && !this.readable(n))
        throw new AppError('FIELD_FORBIDDEN', { problems: [{ code: 'FIELD_FORBIDDEN', path, field: n, message: `you may not read "${n}"` }] });
  }

  /** Refuses a filter that reads a field the viewer may not read. */
  assertFilterReadable(filter: unknown, path: string): void {
    if (filter === undefined || filter === null) return;
    this.assertReadable(collectFields(filter), path);
  }

  /** Removes hidden fields from a record (in place) and returns it. */
  strip<T extends Record<string, unknown>>(record: T): T {
    for (const n of this.hidden) delete record[n];
    return record;
  }
}

export function scopeVars(v: Viewer): RuleVariables {
  return { $user: { id: v.id, departmentIds: v.departmentIds, subordinateIds: v.subordinateIds }, $now: new Date().toISOString() };
}

function compileScopeRule(om: ObjectModel, rule: unknown, vars: RuleVariables): Expression<SqlBool> {
  const { rule: checked } = checkRule(rule, om.logic, { context: 'filter', variables: scopeVariables });
  return compileFilter(bindVariables(checked, vars), om.logic, { alias: 'r', vars });
}

/**
 * A viewer's rights in one tenant: their roles' union, per object. Built by AccessService and
 * cached per user until roles or the organisation change; objects are worked out on first use.
 */
let serials = 0;

export class UserAccess {
  private readonly objects = new WeakMap<ObjectModel, ObjectAccess>();
  readonly designer: boolean;
  /** Distinguishes this viewer's compiled scopes in plan caches (they carry the viewer's values). */
  private readonly serial = ++serials;

  constructor(
    readonly viewer: Viewer,
    private readonly schema: string,
  ) {
    this.designer = viewer.roles.some((r) => r.designer === true);
  }

  get userId(): string {
    return this.viewer.id;
  }

  object(om: ObjectModel): ObjectAccess {
    let oa = this.objects.get(om);
    if (!oa) this.objects.set(om, (oa = new ObjectAccess(this.viewer, om, this.schema, this.serial)));
    return oa;
  }

  /** Variables for filters written by this viewer (`$user.id`, `$user.departmentIds`, …). */
  variables(): RuleVariables {
    return scopeVars(this.viewer);
  }
}
