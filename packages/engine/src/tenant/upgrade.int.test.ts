import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, setupTenant } from '../testing/engine';
import { upgradeSystemTables } from './upgrade';

describe.each(await backends())('upgrading system tables of an older tenant on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
  });
  afterAll(() => t.close());

  it('adds what is missing, computes department paths, and is safe to run twice', async () => {
    const s = t.tenant.tenant.schema;
    const db = t.engine.db;
    // The tables as the first version created them.
    await sql`drop table ${sql.id(s, '_user_department')}`.execute(db);
    await sql`alter table ${sql.id(s, '_department')} drop column head_id, drop column path, drop column sort`.execute(db);
    await sql`alter table ${sql.id(s, '_user')} drop column employee_no, drop column position, drop column manager_id`.execute(db);
    const [root, child] = [uuidv7(), uuidv7()];
    await db
      .withSchema(s)
      .insertInto('_department')
      .values([
        { id: root, name: '总部' },
        { id: child, name: '销售部', parent_id: root },
      ])
      .execute();
    await upgradeSystemTables(db, s);
    await upgradeSystemTables(db, s);
    expect((await t.tenant.org.department(child)).path).toEqual([root, child]);
    expect((await t.tenant.org.departmentsAndBelow([root])).sort()).toEqual([root, child].sort());
    const u = uuidv7();
    await db.withSchema(s).insertInto('_user').values({ id: u, name: '老员工' }).execute();
    expect(await t.tenant.org.updateMember(u, { departmentIds: [child], position: '经理' })).toMatchObject({ position: '经理', primaryDepartmentId: child });
  });
});
