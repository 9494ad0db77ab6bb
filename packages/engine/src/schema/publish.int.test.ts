import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';
import { salesApp } from '../testing/fixtures';

async function columns(t: TestTenant, table: string): Promise<string[]> {
  const rows = await sql<{
    column_name: string;
  }>`select column_name from information_schema.columns where table_schema = ${t.tenant.tenant.schema} and table_name = ${table} order by column_name`.execute(
    t.engine.db,
  );
  return rows.rows.map((r) => r.column_name);
}

describe.each(await backends())('publishing metadata on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
  });
  afterAll(() => t.close());

  it('shows the plan as a dry run without changing anything', async () => {
    const plan = await t.tenant.schema.plan(salesApp);
    expect(plan.baseRevision).toBe(0);
    expect(plan.steps.some((s) => s.description['zh-CN'] === '新建对象「客户」(account)')).toBe(true);
    expect(await t.tenant.schema.revisions()).toEqual([]);
    expect(await columns(t, 'account')).toEqual([]);
  });

  it('publishes: tables with typed columns and a first revision', async () => {
    const rev = await t.tenant.schema.publish(salesApp, { message: 'first' });
    expect(rev.id).toBe(1);
    expect(await columns(t, 'account')).toContain('name');
    expect(await columns(t, 'sales_order__products')).toEqual(['position', 'source_id', 'target_id']);
    const types = await sql<{
      column_name: string;
      data_type: string;
    }>`select column_name, data_type from information_schema.columns where table_schema = ${t.tenant.tenant.schema} and table_name = 'account' and column_name in ('employees','founded','last_contact','tags','extra')`.execute(
      t.engine.db,
    );
    expect(Object.fromEntries(types.rows.map((r) => [r.column_name, r.data_type]))).toEqual({
      employees: 'bigint',
      founded: 'date',
      last_contact: 'timestamp with time zone',
      tags: 'ARRAY',
      extra: 'jsonb',
    });
  });

  it('refuses invalid metadata with every problem and its path', async () => {
    const err = await failure(
      t.tenant.schema.publish({
        objects: [
          {
            name: 'Bad Name',
            fields: [
              { name: 'id', type: 'text' },
              { name: 'x', type: 'nope' },
            ],
          },
        ],
      }),
    );
    expect(err.code).toBe('METADATA_INVALID');
    const problems = err.details.problems as { path: string }[];
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['/objects/0/fields/1/type']));
  });

  it('names reserved and malformed names with their paths', async () => {
    const err = await failure(t.tenant.schema.publish({ objects: [{ name: 'Bad Name', fields: [{ name: 'id', type: 'text' }] }] }));
    expect(err.details.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'NAME_INVALID', path: '/objects/0/name' }),
        expect.objectContaining({ code: 'NAME_RESERVED', path: '/objects/0/fields/0/name' }),
      ]),
    );
  });

  it('refuses a lookup to an unknown object', async () => {
    const err = await failure(t.tenant.schema.publish({ objects: [{ name: 'a', fields: [{ name: 'b', type: 'lookup', options: { target: 'nowhere' } }] }] }));
    expect(err.details.problems).toEqual([expect.objectContaining({ code: 'REFERENCE_TARGET_UNKNOWN', path: '/objects/0/fields/0/options/target' })]);
  });

  it('keeps revisions, diffs them and rolls back by publishing an earlier revision', async () => {
    const withField = structuredClone(salesApp);
    withField.objects[1]?.fields.push({ name: 'sku', type: 'text' } as never);
    await t.tenant.schema.publish(withField, { message: 'add sku' });
    await t.tenant.records.create('product', { name: '笔记本', sku: 'NB-1' });
    const diff = await t.tenant.schema.diff(1, 2);
    expect(diff.map((s) => s.action.kind)).toEqual(['column.add']);
    const back = await t.tenant.schema.rollback(1);
    expect(back.id).toBe(3);
    const product = (await t.tenant.records.query('product')).records[0];
    expect(product).not.toHaveProperty('sku');
    expect(await columns(t, 'product')).toContain('sku');
    const again = await t.tenant.schema.rollback(2);
    const restored = (await t.tenant.records.query('product')).records[0];
    expect(again.id).toBe(4);
    expect(restored?.sku).toBe('NB-1');
    expect((await t.tenant.schema.revisions()).map((r) => r.id)).toEqual([4, 3, 2, 1]);
  });

  it('refuses a publish based on an outdated revision', async () => {
    const err = await failure(t.tenant.schema.publish(salesApp, { baseRevision: 1 }));
    expect(err.code).toBe('REVISION_CONFLICT');
  });

  it('purges an archived field only when asked, dropping its column', async () => {
    const current = await t.tenant.schema.current();
    const err = await failure(t.tenant.schema.purgeField('product', 'name'));
    expect(err.code).toBe('VALIDATION_FAILED');
    const withoutSku = structuredClone(salesApp);
    await t.tenant.schema.publish(withoutSku);
    expect(current?.objects.find((o) => o.id === 'product')?.fields.some((f) => f.id === 'sku')).toBe(true);
    await t.tenant.schema.purgeField('product', 'sku');
    expect(await columns(t, 'product')).not.toContain('sku');
  });
});
