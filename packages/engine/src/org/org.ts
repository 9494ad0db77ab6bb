import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/database';
import { anyUuid } from '../db/sql-helpers';

export interface Department {
  id: string;
  name: string;
  parentId: string | null;
  headId: string | null;
  sort: number;
  /** Ids from the root down to this department, itself included. */
  path: string[];
}

export interface Member {
  id: string;
  name: string;
  email: string | null;
  mobile: string | null;
  employeeNo: string | null;
  position: string | null;
  managerId: string | null;
  active: boolean;
  departmentIds: string[];
  primaryDepartmentId: string | null;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const invalid = (field: string, message: string) => AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', field, message }]);

function text(v: unknown, field: string, max: number, required: boolean): string | null {
  if (v === undefined || v === null || v === '') {
    if (required) throw invalid(field, 'is required');
    return null;
  }
  if (typeof v !== 'string' || v.length > max || v.includes('\u0000')) throw invalid(field, `must be text of at most ${max} characters`);
  return v.trim();
}

function id(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !uuid.test(v)) throw invalid(field, 'must be a uuid');
  return v.toLowerCase();
}

function toDepartment(r: Record<string, unknown>): Department {
  return {
    id: r.id as string,
    name: r.name as string,
    parentId: (r.parent_id as string | null) ?? null,
    headId: (r.head_id as string | null) ?? null,
    sort: r.sort as number,
    path: String(r.path ?? '')
      .split('/')
      .filter(Boolean),
  };
}

/**
 * The tenant's organisation: a department tree (each with a head) and its members (departments,
 * primary department, manager, position). Department paths make "this department and below" one
 * indexed prefix match, which data scopes compile to.
 */
export class OrgService {
  constructor(
    private readonly db: Db,
    private readonly schema: string,
    /** Called after every change (data scopes depend on the organisation). */
    private readonly changed: () => void = () => {},
  ) {}

  private t(table: string) {
    return this.db.withSchema(this.schema).selectFrom(table);
  }

  async departments(): Promise<Department[]> {
    const rows = await this.t('_department').select(['id', 'name', 'parent_id', 'head_id', 'sort', 'path']).orderBy('path').orderBy('sort').execute();
    return rows.map(toDepartment);
  }

  async department(departmentId: string): Promise<Department> {
    const did = id(departmentId, 'id');
    const row = did
      ? await this.t('_department').select(['id', 'name', 'parent_id', 'head_id', 'sort', 'path']).where('id', '=', did).executeTakeFirst()
      : undefined;
    if (!row) throw new AppError('RECORD_NOT_FOUND', { object: 'department', id: String(departmentId).slice(0, 100) });
    return toDepartment(row);
  }

  private async checkUser(userId: string | null, field: string): Promise<void> {
    if (!userId) return;
    const found = await this.t('_user').select('id').where('id', '=', userId).executeTakeFirst();
    if (!found) throw new AppError('RECORD_REFERENCE_INVALID', { problems: [{ code: 'RECORD_REFERENCE_INVALID', field, message: 'no such member' }] });
  }

  async createDepartment(input: { name?: unknown; parentId?: unknown; headId?: unknown; sort?: unknown }): Promise<Department> {
    const name = text(input.name, 'name', 100, true) as string;
    const parentId = id(input.parentId, 'parentId');
    const headId = id(input.headId, 'headId');
    const sort = input.sort === undefined ? 0 : Number(input.sort);
    if (!Number.isInteger(sort)) throw invalid('sort', 'must be a whole number');
    await this.checkUser(headId, 'headId');
    const parent = parentId ? await this.department(parentId) : undefined;
    const newId = uuidv7();
    const path = `/${[...(parent?.path ?? []), newId].join('/')}/`;
    await this.db.withSchema(this.schema).insertInto('_department').values({ id: newId, name, parent_id: parentId, head_id: headId, sort, path }).execute();
    this.changed();
    return this.department(newId);
  }

  /** Renames, re-heads or moves a department; a move rewrites the paths of its whole subtree in one statement. */
  async updateDepartment(departmentId: string, input: { name?: unknown; parentId?: unknown; headId?: unknown; sort?: unknown }): Promise<Department> {
    const current = await this.department(departmentId);
    const set: Record<string, unknown> = {};
    if (input.name !== undefined) set.name = text(input.name, 'name', 100, true);
    if (input.headId !== undefined) {
      set.head_id = id(input.headId, 'headId');
      await this.checkUser(set.head_id as string | null, 'headId');
    }
    if (input.sort !== undefined) {
      if (!Number.isInteger(input.sort)) throw invalid('sort', 'must be a whole number');
      set.sort = input.sort;
    }
    // Everything is read and checked before the transaction: inside it, only `trx` may be used.
    let move: { oldPrefix: string; newPrefix: string } | undefined;
    if (input.parentId !== undefined) {
      const parentId = id(input.parentId, 'parentId');
      const parent = parentId ? await this.department(parentId) : undefined;
      if (parent?.path.includes(current.id)) throw invalid('parentId', 'a department cannot move under itself or its own sub-department');
      move = { oldPrefix: `/${current.path.join('/')}/`, newPrefix: `/${[...(parent?.path ?? []), current.id].join('/')}/` };
      set.parent_id = parentId;
    }
    await this.db.transaction().execute(async (trx) => {
      if (move) {
        const { oldPrefix, newPrefix } = move;
        await sql`update ${sql.id(this.schema, '_department')} set path = ${newPrefix} || substr(path, ${oldPrefix.length + 1}) where path like ${`${oldPrefix}%`}`.execute(
          trx,
        );
      }
      if (Object.keys(set).length) await trx.withSchema(this.schema).updateTable('_department').set(set).where('id', '=', current.id).execute();
    });
    this.changed();
    return this.department(current.id);
  }

  /** Deletes an empty department: one with sub-departments or members is refused. */
  async deleteDepartment(departmentId: string): Promise<void> {
    const d = await this.department(departmentId);
    const child = await this.t('_department').select('id').where('parent_id', '=', d.id).limit(1).executeTakeFirst();
    const member = await this.t('_user_department').select('user_id').where('department_id', '=', d.id).limit(1).executeTakeFirst();
    if (child || member) throw new AppError('RECORD_REFERENCED', { object: 'department', id: d.id, reason: child ? 'has sub-departments' : 'has members' });
    await this.db.withSchema(this.schema).deleteFrom('_department').where('id', '=', d.id).execute();
    this.changed();
  }

  /** The ids of these departments and of every department below them. */
  async departmentsAndBelow(departmentIds: string[]): Promise<string[]> {
    if (!departmentIds.length) return [];
    const roots = await this.t('_department').select('path').where('id', '=', anyUuid(departmentIds)).execute();
    if (!roots.length) return [];
    const rows = await this.t('_department')
      .select('id')
      .where((eb) => eb.or(roots.map((r) => eb('path', 'like', `${r.path as string}%`))))
      .execute();
    return rows.map((r) => r.id as string);
  }

  /**
   * The members, by name: all, or those whose name, email, mobile or employee number contains `q`
   * (for pickers and the members page). `limit` at most 500.
   */
  async members(opts: { q?: unknown; limit?: unknown; offset?: unknown; ids?: unknown } = {}): Promise<{ members: Member[]; total: number }> {
    const q = text(opts.q, 'q', 100, false);
    const limit = opts.limit === undefined ? 50 : Number(opts.limit);
    const offset = opts.offset === undefined ? 0 : Number(opts.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalid('limit', 'must be an integer from 1 to 500');
    if (!Number.isInteger(offset) || offset < 0) throw invalid('offset', 'must be a whole number');
    let ids: string[] | undefined;
    if (opts.ids !== undefined) {
      const list = Array.isArray(opts.ids) ? opts.ids : String(opts.ids).split(',');
      if (list.length > 500) throw invalid('ids', 'at most 500 ids');
      ids = list.map((x, i) => id(x, `ids/${i}`) as string);
    }
    let query = this.t('_user');
    if (q) {
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([eb('name', 'ilike', like), eb('email', 'ilike', like), eb('mobile', 'ilike', like), eb('employee_no', 'ilike', like)]),
      );
    }
    if (ids) query = ids.length ? query.where('id', 'in', ids) : query.where(sql<boolean>`false`);
    const [{ n }] = (await query.select(sql<number>`count(*)::int`.as('n')).execute()) as [{ n: number }];
    const rows = await query
      .select(['id', 'name', 'email', 'mobile', 'employee_no', 'position', 'manager_id', 'active'])
      .orderBy('name')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
    const depts = rows.length
      ? await this.t('_user_department')
          .select(['user_id', 'department_id', 'is_primary'])
          .where(
            'user_id',
            'in',
            rows.map((r) => r.id as string),
          )
          .orderBy('department_id')
          .execute()
      : [];
    return {
      total: Number(n),
      members: rows.map((row) => {
        const own = depts.filter((d) => d.user_id === row.id);
        return {
          id: row.id as string,
          name: row.name as string,
          email: (row.email as string | null) ?? null,
          mobile: (row.mobile as string | null) ?? null,
          employeeNo: (row.employee_no as string | null) ?? null,
          position: (row.position as string | null) ?? null,
          managerId: (row.manager_id as string | null) ?? null,
          active: row.active as boolean,
          departmentIds: own.map((d) => d.department_id as string),
          primaryDepartmentId: (own.find((d) => d.is_primary)?.department_id as string | undefined) ?? null,
        };
      }),
    };
  }

  async member(userId: string): Promise<Member> {
    const uid = id(userId, 'id');
    const row = uid
      ? await this.t('_user')
          .select(['id', 'name', 'email', 'mobile', 'employee_no', 'position', 'manager_id', 'active'])
          .where('id', '=', uid)
          .executeTakeFirst()
      : undefined;
    if (!row) throw new AppError('RECORD_NOT_FOUND', { object: 'user', id: String(userId).slice(0, 100) });
    const depts = await this.t('_user_department')
      .select(['department_id', 'is_primary'])
      .where('user_id', '=', row.id as string)
      .orderBy('department_id')
      .execute();
    return {
      id: row.id as string,
      name: row.name as string,
      email: (row.email as string | null) ?? null,
      mobile: (row.mobile as string | null) ?? null,
      employeeNo: (row.employee_no as string | null) ?? null,
      position: (row.position as string | null) ?? null,
      managerId: (row.manager_id as string | null) ?? null,
      active: row.active as boolean,
      departmentIds: depts.map((d) => d.department_id as string),
      primaryDepartmentId: (depts.find((d) => d.is_primary)?.department_id as string | undefined) ?? null,
    };
  }

  /**
   * Updates a member's profile: position, employee no., mobile, manager (no cycles), departments
   * and primary department (one of them), in one transaction.
   */
  async updateMember(
    userId: string,
    input: {
      position?: unknown;
      employeeNo?: unknown;
      mobile?: unknown;
      managerId?: unknown;
      departmentIds?: unknown;
      primaryDepartmentId?: unknown;
      active?: unknown;
    },
  ): Promise<Member> {
    const m = await this.member(userId);
    const set: Record<string, unknown> = {};
    if (input.position !== undefined) set.position = text(input.position, 'position', 100, false);
    if (input.employeeNo !== undefined) set.employee_no = text(input.employeeNo, 'employeeNo', 50, false);
    if (input.mobile !== undefined) set.mobile = text(input.mobile, 'mobile', 32, false);
    if (input.active !== undefined) {
      if (typeof input.active !== 'boolean') throw invalid('active', 'must be true or false');
      set.active = input.active;
    }
    if (input.managerId !== undefined) {
      const managerId = id(input.managerId, 'managerId');
      await this.checkUser(managerId, 'managerId');
      if (managerId && (managerId === m.id || (await this.managerChain(managerId)).includes(m.id)))
        throw invalid('managerId', 'a member cannot report to themselves, directly or through others');
      set.manager_id = managerId;
    }
    let departments: string[] | undefined;
    if (input.departmentIds !== undefined) {
      if (!Array.isArray(input.departmentIds) || input.departmentIds.length > 50) throw invalid('departmentIds', 'must be a list of at most 50 department ids');
      departments = [...new Set(input.departmentIds.map((d, i) => id(d, `departmentIds/${i}`) as string))];
      const found = departments.length ? await this.t('_department').select('id').where('id', '=', anyUuid(departments)).execute() : [];
      if (found.length !== departments.length)
        throw new AppError('RECORD_REFERENCE_INVALID', {
          problems: [{ code: 'RECORD_REFERENCE_INVALID', field: 'departmentIds', message: 'no such department' }],
        });
    }
    const finalDepts = departments ?? m.departmentIds;
    // Moving a member to other departments without naming a primary one makes the first primary.
    const kept = m.primaryDepartmentId && finalDepts.includes(m.primaryDepartmentId) ? m.primaryDepartmentId : null;
    const primary = input.primaryDepartmentId !== undefined ? id(input.primaryDepartmentId, 'primaryDepartmentId') : kept;
    if (primary && !finalDepts.includes(primary)) throw invalid('primaryDepartmentId', 'must be one of the member’s departments');
    await this.db.transaction().execute(async (trx) => {
      if (Object.keys(set).length) await trx.withSchema(this.schema).updateTable('_user').set(set).where('id', '=', m.id).execute();
      if (departments !== undefined || input.primaryDepartmentId !== undefined) {
        await trx.withSchema(this.schema).deleteFrom('_user_department').where('user_id', '=', m.id).execute();
        const primaryId = primary ?? finalDepts[0] ?? null;
        if (finalDepts.length)
          await trx
            .withSchema(this.schema)
            .insertInto('_user_department')
            .values(finalDepts.map((d) => ({ user_id: m.id, department_id: d, is_primary: d === primaryId })))
            .execute();
      }
    });
    this.changed();
    return this.member(m.id);
  }

  /** The managers above a member, nearest first (bounded, so a corrupt loop cannot hang). */
  async managerChain(userId: string): Promise<string[]> {
    const rows = await sql<{ id: string }>`
      with recursive chain(id, depth) as (
        select manager_id, 1 from ${sql.id(this.schema, '_user')} where id = ${userId} and manager_id is not null
        union all
        select u.manager_id, c.depth + 1 from ${sql.id(this.schema, '_user')} u join chain c on u.id = c.id
        where u.manager_id is not null and c.depth < 64)
      select id from chain order by depth`.execute(this.db);
    return rows.rows.map((r) => r.id);
  }

  /** Everyone reporting to a member, directly or through others. */
  async subordinates(userId: string): Promise<string[]> {
    const rows = await sql<{ id: string }>`
      with recursive below(id, depth) as (
        select id, 1 from ${sql.id(this.schema, '_user')} where manager_id = ${userId}
        union all
        select u.id, b.depth + 1 from ${sql.id(this.schema, '_user')} u join below b on u.manager_id = b.id where b.depth < 64)
      select distinct id from below`.execute(this.db);
    return rows.rows.map((r) => r.id).sort();
  }
}
