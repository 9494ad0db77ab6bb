import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/database';
import { anyUuid } from '../db/sql-helpers';
import type { Model } from '../model/compile';
import type { OrgService } from '../org/org';
import { UserAccess, type Viewer } from './access';
import { roleReferences } from './role-references';
import { type Role, checkRole } from './roles';

export interface Share {
  id: string;
  userId: string | null;
  departmentId: string | null;
  access: 'read' | 'edit';
  createdAt: string;
  createdBy: string | null;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const invalid = (field: string, message: string) => AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', field, message }]);

/**
 * Roles, who holds them, record shares, and each user's resolved rights. A user's rights are
 * cached for `ttlMs`; any change made through this process (roles, assignments, organisation)
 * clears the cache at once, and other processes pick it up when their entry expires.
 */
export class AccessService {
  private readonly cache = new Map<string, { at: number; value: Promise<UserAccess> }>();

  constructor(
    private readonly db: Db,
    private readonly schema: string,
    private readonly model: () => Promise<Model>,
    private readonly org: OrgService,
    private readonly ttlMs = 5000,
  ) {}

  /** Forgets every cached user's rights (roles or the organisation changed). */
  invalidate(): void {
    this.cache.clear();
  }

  /** The user's rights, resolved from their roles and place in the organisation. */
  forUser(userId: string): Promise<UserAccess> {
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    if (this.cache.size > 10_000) this.cache.clear();
    const value = this.load(userId);
    value.catch(() => this.cache.delete(userId));
    this.cache.set(userId, { at: Date.now(), value });
    return value;
  }

  private async load(userId: string): Promise<UserAccess> {
    const roles = await this.db
      .withSchema(this.schema)
      .selectFrom('_user_role as ur')
      .innerJoin('_role as r', 'r.name', 'ur.role')
      .select('r.doc')
      .where('ur.user_id', '=', userId)
      .orderBy('r.name')
      .execute();
    const departmentIds = (
      await this.db.withSchema(this.schema).selectFrom('_user_department').select('department_id').where('user_id', '=', userId).execute()
    ).map((r) => r.department_id as string);
    const membersOf = async (deptIds: string[]) =>
      deptIds.length
        ? (
            await this.db
              .withSchema(this.schema)
              .selectFrom('_user_department')
              .select('user_id')
              .distinct()
              .where('department_id', '=', anyUuid(deptIds))
              .execute()
          )
            .map((r) => r.user_id as string)
            .sort()
        : [];
    const viewer: Viewer = {
      id: userId,
      departmentIds: departmentIds.sort(),
      departmentUserIds: await membersOf(departmentIds),
      subtreeUserIds: await membersOf(await this.org.departmentsAndBelow(departmentIds)),
      subordinateIds: await this.org.subordinates(userId),
      roles: roles.map((r) => r.doc as Role),
    };
    // A user with no department still owns records: "own department" then means their own.
    if (!viewer.departmentUserIds.includes(userId)) viewer.departmentUserIds.push(userId);
    if (!viewer.subtreeUserIds.includes(userId)) viewer.subtreeUserIds.push(userId);
    return new UserAccess(viewer, this.schema);
  }

  async roles(): Promise<Role[]> {
    const rows = await this.db.withSchema(this.schema).selectFrom('_role').select('doc').orderBy('name').execute();
    return rows.map((r) => r.doc as Role);
  }

  async role(name: string): Promise<Role> {
    const row = await this.db.withSchema(this.schema).selectFrom('_role').select('doc').where('name', '=', String(name)).executeTakeFirst();
    if (!row) throw new AppError('ROLE_NOT_FOUND', { role: String(name).slice(0, 100) });
    return row.doc as Role;
  }

  /** Creates or replaces a role after checking it against the published model. */
  async putRole(name: string, input: unknown, actor: string | null = null): Promise<Role> {
    const role = checkRole(input, await this.model(), name);
    await this.db
      .withSchema(this.schema)
      .insertInto('_role')
      .values({ name: role.name, doc: JSON.stringify(role), updated_by: actor })
      .onConflict((oc) => oc.column('name').doUpdateSet({ doc: JSON.stringify(role), updated_at: sql`now()`, updated_by: actor }))
      .execute();
    this.invalidate();
    return role;
  }

  /**
   * Deletes a role; its holders lose it. Refused (ROLE_IN_USE, with each place) while the published
   * metadata names it: an approval step or a notification for it would find nobody.
   */
  async deleteRole(name: string): Promise<void> {
    const used = roleReferences((await this.model()).app, String(name));
    if (used.length) throw new AppError('ROLE_IN_USE', { role: String(name).slice(0, 100), problems: used.slice(0, 50) });
    const res = await this.db.withSchema(this.schema).deleteFrom('_role').where('name', '=', String(name)).executeTakeFirst();
    if (!Number(res.numDeletedRows)) throw new AppError('ROLE_NOT_FOUND', { role: String(name).slice(0, 100) });
    this.invalidate();
  }

  async userRoles(userId: string): Promise<string[]> {
    if (!uuid.test(String(userId))) throw new AppError('RECORD_NOT_FOUND', { object: 'user', id: String(userId).slice(0, 100) });
    const rows = await this.db.withSchema(this.schema).selectFrom('_user_role').select('role').where('user_id', '=', userId).orderBy('role').execute();
    return rows.map((r) => r.role as string);
  }

  /** The roles each of several users holds (users without any are absent). */
  async rolesOf(userIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!userIds.length) return out;
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('_user_role')
      .select(['user_id', 'role'])
      .where('user_id', 'in', userIds)
      .orderBy('role')
      .execute();
    for (const r of rows) out.set(r.user_id as string, [...(out.get(r.user_id as string) ?? []), r.role as string]);
    return out;
  }

  /** Sets the roles a user holds (the whole list), in one transaction. */
  async setUserRoles(userId: string, roles: unknown): Promise<string[]> {
    if (!uuid.test(String(userId))) throw new AppError('RECORD_NOT_FOUND', { object: 'user', id: String(userId).slice(0, 100) });
    if (!Array.isArray(roles) || roles.length > 100 || roles.some((r) => typeof r !== 'string')) throw invalid('roles', 'must be a list of role names');
    const names = [...new Set(roles as string[])];
    const user = await this.db.withSchema(this.schema).selectFrom('_user').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw new AppError('RECORD_NOT_FOUND', { object: 'user', id: userId });
    const known = names.length ? await this.db.withSchema(this.schema).selectFrom('_role').select('name').where('name', 'in', names).execute() : [];
    const missing = names.filter((n) => !known.some((k) => k.name === n));
    if (missing.length)
      throw new AppError('ROLE_NOT_FOUND', {
        role: missing[0],
        problems: missing.map((m) => ({ code: 'ROLE_NOT_FOUND', field: 'roles', message: `no role "${m.slice(0, 100)}"` })),
      });
    await this.db.transaction().execute(async (trx) => {
      await trx.withSchema(this.schema).deleteFrom('_user_role').where('user_id', '=', userId).execute();
      if (names.length)
        await trx
          .withSchema(this.schema)
          .insertInto('_user_role')
          .values(names.map((role) => ({ user_id: userId, role })))
          .execute();
    });
    this.invalidate();
    return names.sort();
  }

  async shares(objectId: string, recordId: string): Promise<Share[]> {
    const rows = await this.db
      .withSchema(this.schema)
      .selectFrom('_record_share')
      .select(['id', 'user_id', 'department_id', 'access', 'created_at', 'created_by'])
      .where('object_id', '=', objectId)
      .where('record_id', '=', recordId)
      .orderBy('created_at')
      .execute();
    return rows.map(toShare);
  }

  /** Shares a record with a user or a department (read or edit); sharing again changes the access. */
  async share(objectId: string, recordId: string, input: { userId?: unknown; departmentId?: unknown; access?: unknown }, actor: string | null): Promise<Share> {
    const userId = input.userId ?? null;
    const departmentId = input.departmentId ?? null;
    if ((userId === null) === (departmentId === null)) throw invalid('userId', 'give either userId or departmentId');
    for (const [field, v] of [
      ['userId', userId],
      ['departmentId', departmentId],
    ] as const)
      if (v !== null && (typeof v !== 'string' || !uuid.test(v))) throw invalid(field, 'must be a uuid');
    const access = input.access ?? 'read';
    if (access !== 'read' && access !== 'edit') throw invalid('access', 'must be read or edit');
    const table = userId ? '_user' : '_department';
    const found = await this.db
      .withSchema(this.schema)
      .selectFrom(table)
      .select('id')
      .where('id', '=', (userId ?? departmentId) as string)
      .executeTakeFirst();
    if (!found)
      throw new AppError('RECORD_REFERENCE_INVALID', {
        problems: [{ code: 'RECORD_REFERENCE_INVALID', field: userId ? 'userId' : 'departmentId', message: 'no such member or department' }],
      });
    const row = await this.db
      .withSchema(this.schema)
      .insertInto('_record_share')
      .values({
        id: uuidv7(),
        object_id: objectId,
        record_id: recordId,
        user_id: userId as string | null,
        department_id: departmentId as string | null,
        access,
        created_by: actor,
      })
      .onConflict((oc) => oc.constraint('_record_share_unique').doUpdateSet({ access }))
      .returning(['id', 'user_id', 'department_id', 'access', 'created_at', 'created_by'])
      .executeTakeFirstOrThrow();
    return toShare(row);
  }

  async unshare(objectId: string, recordId: string, shareId: string): Promise<void> {
    const res = uuid.test(String(shareId))
      ? await this.db
          .withSchema(this.schema)
          .deleteFrom('_record_share')
          .where('id', '=', shareId)
          .where('object_id', '=', objectId)
          .where('record_id', '=', recordId)
          .executeTakeFirst()
      : undefined;
    if (!res || !Number(res.numDeletedRows)) throw new AppError('RECORD_NOT_FOUND', { object: 'share', id: String(shareId).slice(0, 100) });
  }
}

function toShare(r: Record<string, unknown>): Share {
  return {
    id: r.id as string,
    userId: (r.user_id as string | null) ?? null,
    departmentId: (r.department_id as string | null) ?? null,
    access: r.access as 'read' | 'edit',
    createdAt: r.created_at as string,
    createdBy: (r.created_by as string | null) ?? null,
  };
}
