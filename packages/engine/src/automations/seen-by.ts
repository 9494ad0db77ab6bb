import { AppError } from '@tangram/errors';
import type { UserAccess } from '../access/access';
import { assertInScope } from '../access/enforce';
import type { Db } from '../db/database';
import type { ObjectModel } from '../model/compile';
import { tenantAdmins } from './notify';

/** What seenBy needs of a tenant. */
export interface SeenByHost {
  db: Db;
  tenant: { id: string; schema: string };
  access: { forUser(userId: string): Promise<UserAccess> };
}

/**
 * A record as each person may read it, for what an automation tells them about it (an e-mail's
 * `{field}` placeholders): everything for the tenant's admins; for a member, without the fields
 * their roles hide, and nothing at all when the record is outside their read scope.
 * @example const seen = await seenBy(host, om, id, record); text = fill(template, await seen(userId))
 */
export async function seenBy(
  host: SeenByHost,
  om: ObjectModel,
  recordId: string,
  record: Record<string, unknown>,
): Promise<(userId: string) => Promise<Record<string, unknown>>> {
  const admins = new Set(await tenantAdmins(host.db, host.tenant.id));
  return async (userId) => {
    if (admins.has(userId)) return record;
    const oa = (await host.access.forUser(userId)).object(om);
    try {
      await assertInScope(host.db, host.tenant.schema, oa, recordId, 'read');
    } catch (e) {
      if (e instanceof AppError && (e.code === 'RECORD_NOT_FOUND' || e.code === 'FORBIDDEN')) return {};
      throw e;
    }
    return oa.strip({ ...record });
  };
}
