import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';
import { duplicateKey, duplicateKeySql } from './duplicates';

const app = {
  name: 'dup',
  objects: [
    {
      name: 'customer',
      label: { 'zh-CN': '客户', en: 'Customer' },
      fields: [
        { name: 'name', type: 'text', label: { 'zh-CN': '客户名称', en: 'Name' }, required: true },
        { name: 'mobile', type: 'phone', label: { 'zh-CN': '手机', en: 'Mobile' } },
        { name: 'email', type: 'email', label: { 'zh-CN': '邮箱', en: 'E-mail' } },
        { name: 'city', type: 'text' },
      ],
      duplicateRules: [
        { id: 'dup_name', field: 'name', match: 'company' },
        { id: 'dup_mobile', field: 'mobile', match: 'phone', message: { 'zh-CN': '这个手机号已登记', en: 'This mobile number is already registered' } },
        { id: 'dup_email', field: 'email', match: 'exact' },
      ],
    },
  ],
};

/** The statement with its parameters written in, for EXPLAIN (strings only here). */
const inline = (text: string, params: readonly unknown[]) => text.replace(/\$(\d+)/g, (_, n) => `'${String(params[Number(n) - 1]).replaceAll("'", "''")}'`);

const samples = [
  '杭州青禾科技有限公司',
  '杭州青禾科技（中国）有限公司',
  ' 杭州 青禾科技 股份有限公司 ',
  '杭州青禾科技有限责任公司',
  'ＡＢＣ　Ｔｅｃｈ（中国）',
  'Li.Na@Example.COM',
  '+86 138-0013-8000',
  '８６１３８００１３８０００',
  '010-6552 8888',
  'tab\there\nand\rnew\fline\vend',
  '有限公司',
  '',
  '股份股份有限公司公司',
];

describe('duplicate keys', () => {
  it('fold width, case and spaces; company names drop legal-form words; phones keep their digits', () => {
    expect(duplicateKey('杭州青禾科技（中国）有限公司', 'company')).toBe('杭州青禾科技');
    expect(duplicateKey(' 杭州 青禾科技 股份有限公司 ', 'company')).toBe('杭州青禾科技');
    expect(duplicateKey('ＡＢＣ　Ｔｅｃｈ', 'exact')).toBe('abctech');
    expect(duplicateKey('+86 138-0013-8000', 'phone')).toBe('13800138000');
    expect(duplicateKey('8610 6552 8888', 'phone')).toBe('861065528888');
    expect(duplicateKey('有限公司', 'company')).toBeNull();
    expect(duplicateKey('有限公司', 'exact')).toBe('有限公司');
    expect(duplicateKey(42, 'exact')).toBeNull();
  });
});

describe.each(await backends())('duplicate rules (查重) on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.tenant.schema.publish(app);
  });
  afterAll(() => t.close());

  const records = () => t.tenant.records;
  const count = async () => (await records().query('customer', { count: true })).total;

  it('computes the same key in SQL as in the engine, for every kind of match', async () => {
    for (const match of ['exact', 'company', 'phone'] as const) {
      const rows = sql.join(samples.map((s) => sql`(${s})`));
      const key: RawBuilder<string> = duplicateKeySql('v', match);
      const result = await sql<{ v: string; k: string }>`select v, ${key} as k from (values ${rows}) as t(v)`.execute(t.engine.db);
      expect(result.rows.map((r) => [r.v, r.k === '' ? null : r.k])).toEqual(samples.map((s) => [s, duplicateKey(s, match)]));
    }
  });

  it('finds a duplicate through an index on the rule’s key, not by reading every row', async () => {
    const plan = await t.engine.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const q = trx
        .withSchema(t.tenant.tenant.schema)
        .selectFrom('customer')
        .select('id')
        .where('deleted_at', 'is', null)
        .where(duplicateKeySql('name', 'company'), '=', '杭州青禾科技')
        .limit(1)
        .compile();
      return (await sql.raw<{ 'QUERY PLAN': string }>(`explain ${inline(q.sql, q.parameters)}`).execute(trx)).rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('customer__d_name_company');
  });

  it('refuses a company written another way, on its field, and writes nothing', async () => {
    const first = await records().create('customer', { name: '杭州青禾科技有限公司', mobile: '13800138000', email: 'li.na@example.com' });
    const before = await count();
    for (const name of ['杭州青禾科技（中国）有限公司', ' 杭州 青禾科技 股份有限公司', '杭州青禾科技']) {
      const e = await failure(records().create('customer', { name }));
      expect(e.code).toBe('RECORD_DUPLICATE');
      expect(e.details.problems).toEqual([
        expect.objectContaining({
          code: 'RECORD_DUPLICATE',
          rule: 'dup_name',
          field: 'name',
          message: '已有相同客户名称的记录',
          existing: { id: first.id, title: '杭州青禾科技有限公司' },
        }),
      ]);
    }
    expect(await count()).toBe(before);
  });

  it('compares phones by their digits and e-mail without case, with the rule’s own message', async () => {
    const e = await failure(records().create('customer', { name: '宁波海曙贸易', mobile: '+86 138-0013-8000', email: 'LI.NA@EXAMPLE.COM' }));
    expect(e.details.problems).toEqual([
      expect.objectContaining({
        field: 'mobile',
        rule: 'dup_mobile',
        message: '这个手机号已登记',
        messages: { 'zh-CN': '这个手机号已登记', en: 'This mobile number is already registered' },
      }),
      expect.objectContaining({ field: 'email', rule: 'dup_email' }),
    ]);
    const other = await records().create('customer', { name: '宁波海曙贸易', mobile: '139 0000 0000', email: 'sales@haishu.cn' });
    expect(other.name).toBe('宁波海曙贸易');
  });

  it('checks an update only when the field changes, never against the record itself', async () => {
    const a = await records().create('customer', { name: '苏州工业园区星河电子有限公司' });
    const b = await records().create('customer', { name: '无锡星河电子' });
    // The same company written another way is still this record, not a duplicate of it.
    const renamed = await records().update('customer', a.id, { name: '苏州工业园区星河电子股份有限公司' }, { version: 1 });
    expect(renamed.version).toBe(2);
    const e = await failure(records().update('customer', b.id, { name: '苏州工业园区 星河电子' }, { version: 1 }));
    expect(e).toMatchObject({ code: 'RECORD_DUPLICATE', details: { problems: [expect.objectContaining({ field: 'name' })] } });
    expect((await records().get('customer', b.id)).name).toBe('无锡星河电子');
    expect((await records().update('customer', b.id, { city: '无锡' }, { version: 1 })).city).toBe('无锡');
  });

  it('ignores records in the recycle bin', async () => {
    const a = await records().create('customer', { name: '合肥蓝湾新材料有限公司' });
    await records().delete('customer', a.id, { version: 1 });
    const again = await records().create('customer', { name: '合肥蓝湾新材料' });
    expect(again.name).toBe('合肥蓝湾新材料');
  });

  it('refuses to bring back from the recycle bin a record that a live one now duplicates', async () => {
    const old = await records().create('customer', { name: '温州鹿城鞋业有限公司' });
    await records().delete('customer', old.id, { version: 1 });
    const newer = await records().create('customer', { name: '温州鹿城鞋业' });
    const e = await failure(records().restore('customer', old.id));
    expect(e).toMatchObject({
      code: 'RECORD_DUPLICATE',
      details: { problems: [expect.objectContaining({ field: 'name', existing: { id: newer.id, title: '温州鹿城鞋业' } })] },
    });
    expect((await records().query('customer', { filter: { '==': [{ var: 'id' }, old.id] } })).records).toEqual([]);
    await records().delete('customer', newer.id, { version: 1 });
    expect((await records().restore('customer', old.id)).name).toBe('温州鹿城鞋业有限公司');
  });

  it('refuses duplicates inside one bulk create, all or none, naming the index', async () => {
    const before = await count();
    const e = await failure(records().bulkCreate('customer', [{ name: '成都锦江云图有限公司' }, { name: '成都锦江云图' }]));
    expect(e.code).toBe('RECORD_DUPLICATE');
    expect(e.details).toMatchObject({ index: 1 });
    expect(await count()).toBe(before);
  });

  it('lets only one of many concurrent writers of the same company in', async () => {
    const names = ['西安曲江数智有限公司', '西安曲江数智', '西安曲江数智股份有限公司', '西安 曲江数智（中国）有限公司', '西安曲江数智有限责任公司'];
    const results = await Promise.allSettled(names.map((name) => records().create('customer', { name })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as { code: string }).code);
    expect(refused).toEqual(['RECORD_DUPLICATE', 'RECORD_DUPLICATE', 'RECORD_DUPLICATE', 'RECORD_DUPLICATE']);
  });

  it('refuses a rule on a field that cannot be compared, or on no field', async () => {
    const bad = structuredClone(app) as { objects: { fields: unknown[]; duplicateRules: unknown[] }[] };
    const customer = bad.objects[0] as { fields: unknown[]; duplicateRules: unknown[] };
    customer.fields.push({ name: 'employees', type: 'integer' });
    const problemsOf = async (rule: unknown) => {
      customer.duplicateRules = [rule];
      const e = await failure(t.tenant.schema.publish(bad as never));
      return (e.details.problems as { path: string; code: string }[]).map((p) => [p.code, p.path]);
    };
    expect(await problemsOf({ id: 'dup_employees', field: 'employees', match: 'exact' })).toEqual([
      ['FIELD_OPTIONS_INVALID', '/objects/0/duplicateRules/0/field'],
    ]);
    expect(await problemsOf({ id: 'dup_fax', field: 'fax', match: 'phone' })).toEqual([['FIELD_NOT_FOUND', '/objects/0/duplicateRules/0/field']]);
    expect((await problemsOf({ id: 'dup_name', field: 'name', match: 'fuzzy' })).map(([, path]) => path)).toContain('/objects/0/duplicateRules/0/match');
  });
});
