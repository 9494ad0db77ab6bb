import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordData } from '../records/row';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';

const bulkRows = 100_000;
const apiRows = 3;
const rows = bulkRows + apiRows;
/** Rows whose `mixed` text is not a whole number (every 1000th bulk row): the integer retype must refuse them. */
const nonNumericMixed = bulkRows / 1000;

const field = {
  title: { name: 'title', type: 'text' },
  heading: { id: 'title', name: 'heading', type: 'text', label: { 'zh-CN': '标题', en: 'Heading' } },
  qtyInteger: { name: 'qty', type: 'integer' },
  qtyDecimal: { name: 'qty', type: 'decimal', options: { precision: 18, scale: 4 } },
  digitsText: { name: 'digits', type: 'text' },
  digitsInteger: { name: 'digits', type: 'integer' },
  levelSelect: { name: 'level', type: 'select', options: { options: [{ key: 'a' }, { key: 'b' }, { key: 'c' }] } },
  levelMulti: { name: 'level', type: 'multiselect', options: { options: [{ key: 'a' }, { key: 'b' }, { key: 'c' }] } },
  code: { name: 'code', type: 'text' },
  mixed: { name: 'mixed', type: 'text' },
  mixedInteger: { name: 'mixed', type: 'integer' },
  note: { name: 'note', type: 'text' },
  extra: { name: 'extra', type: 'text' },
  late: { name: 'late', type: 'text' },
} as const;

type FieldSpec = (typeof field)[keyof typeof field];
const item = (fields: FieldSpec[], extra: Record<string, unknown> = {}) => ({ objects: [{ name: 'item', fields, ...extra }] });

const initial = [field.title, field.qtyInteger, field.digitsText, field.levelSelect, field.code, field.mixed];
const withNote = [...initial, field.note];
const renamed = [field.heading, field.qtyInteger, field.digitsText, field.levelSelect, field.code, field.mixed, field.note];
const retyped = [field.heading, field.qtyDecimal, field.digitsInteger, field.levelMulti, field.code, field.mixed, field.note];
const withoutMixed = retyped.filter((f) => f !== field.mixed);

describe.each(await backends())('schema changes on a 100,000-row table on %s', (backend) => {
  let t: TestTenant;
  let api: RecordData;
  const revisionIds: Record<string, number> = {};

  const table = () => sql.id(t.tenant.tenant.schema, 'item');
  const publish = async (label: string, fields: FieldSpec[], extra: Record<string, unknown> = {}) => {
    revisionIds[label] = (await t.tenant.schema.publish(item(fields, extra), { message: label })).id;
  };

  /** Count and hash of an expression over every row, in id order: equal before and after means no value changed. */
  async function fingerprint(expr: RawBuilder<unknown>): Promise<{ n: number; hash: string }> {
    const r = await sql<{
      n: number;
      hash: string;
    }>`select count(${expr})::int as n, md5(string_agg((${expr})::text, ',' order by id)) as hash from ${table()}`.execute(t.engine.db);
    return r.rows[0] as { n: number; hash: string };
  }

  async function sum(expr: RawBuilder<unknown>): Promise<number> {
    const r = await sql<{ s: number }>`select sum(${expr}) as s from ${table()}`.execute(t.engine.db);
    return Number(r.rows[0]?.s);
  }

  async function columns(): Promise<Record<string, string>> {
    const r = await sql<{
      column_name: string;
      data_type: string;
    }>`select column_name, data_type from information_schema.columns where table_schema = ${t.tenant.tenant.schema} and table_name = 'item' order by column_name`.execute(
      t.engine.db,
    );
    return Object.fromEntries(r.rows.map((c) => [c.column_name, c.data_type]));
  }

  async function indexes(): Promise<string[]> {
    const r = await sql<{ indexdef: string }>`select indexdef from pg_indexes where schemaname = ${t.tenant.tenant.schema} order by indexname`.execute(
      t.engine.db,
    );
    return r.rows.map((x) => x.indexdef);
  }

  async function metadataState() {
    return {
      revisions: (await t.tenant.schema.revisions()).map((r) => r.id),
      current: await t.tenant.schema.current(),
      columns: await columns(),
      indexes: await indexes(),
    };
  }

  beforeAll(async () => {
    t = await setupTenant(backend);
    await publish('initial', initial);
    await sql`insert into ${table()} (id, title, qty, digits, level, code, mixed)
      select ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'item ' || g, g % 1000, (g * 7 % 100000)::text,
             (array['a', 'b', 'c'])[g % 3 + 1], 'c' || (g % 50000), case when g % 1000 = 0 then 'x' || g else g::text end
      from generate_series(1, ${sql.lit(bulkRows)}) g`.execute(t.engine.db);
    const created = await t.tenant.records.bulkCreate(
      'item',
      Array.from({ length: apiRows }, (_, i) => ({ title: `api ${i}`, qty: 5 + i, digits: `${42 + i}`, level: 'b', code: `api-${i}`, mixed: `${7 + i}` })),
    );
    api = created[0] as RecordData;
  });
  afterAll(() => t.close());

  it('adds a nullable field to the full table', async () => {
    await publish('note', withNote);
    expect(await columns()).toMatchObject({ note: 'text' });
    const updated = await t.tenant.records.update('item', api.id, { note: '新字段' }, { version: 1 });
    expect(updated).toMatchObject({ title: 'api 0', note: '新字段', version: 2 });
    expect(await fingerprint(sql.ref('note'))).toMatchObject({ n: 1 });
    expect(await fingerprint(sql.ref('id'))).toMatchObject({ n: rows });
  });

  it('counts exactly up to 10,000 matches and estimates beyond, without a full count(*)', async () => {
    await sql`analyze ${table()}`.execute(t.engine.db);
    const all = await t.tenant.records.query('item', { count: true, limit: 1 });
    expect(all.totalExact).toBe(false);
    expect(all.total).toBeGreaterThan(rows * 0.8);
    expect(all.total).toBeLessThan(rows * 1.2);
    const few = await t.tenant.records.query('item', { count: true, limit: 1, filter: { '==': [{ var: 'level' }, 'b'] }, search: 'api' });
    expect(few).toMatchObject({ total: apiRows, totalExact: true });
  });

  it('renames a field as a metadata change only: the values stay, under the new name', async () => {
    const before = { values: await fingerprint(sql.ref('title')), columns: await columns() };
    await publish('rename', renamed);
    expect({ values: await fingerprint(sql.ref('title')), columns: await columns() }).toEqual(before);
    const record = await t.tenant.records.get('item', api.id);
    expect(record).toMatchObject({ heading: 'api 0' });
    expect(record).not.toHaveProperty('title');
    const found = await t.tenant.records.query('item', { filter: { '==': [{ var: 'heading' }, 'item 4242'] } });
    expect(found.records.map((r) => r.heading)).toEqual(['item 4242']);
  });

  it('retypes integer → decimal, digit text → integer and select → multiselect, keeping every value', async () => {
    const before = {
      qty: await fingerprint(sql`qty::float8`),
      qtySum: await sum(sql.ref('qty')),
      digits: await fingerprint(sql.ref('digits')),
      level: await fingerprint(sql.ref('level')),
    };
    await publish('retype', retyped);
    expect(await columns()).toMatchObject({ qty: 'numeric', digits: 'bigint', level: 'ARRAY' });
    expect({
      qty: await fingerprint(sql`qty::float8`),
      qtySum: await sum(sql.ref('qty')),
      digits: await fingerprint(sql.ref('digits')),
      level: await fingerprint(sql`level[1]`),
    }).toEqual(before);
    expect(await fingerprint(sql`case when cardinality(level) = 1 then 1 end`)).toMatchObject({ n: rows });
    expect(await t.tenant.records.get('item', api.id)).toMatchObject({ qty: 5, digits: 42, level: ['b'] });
  });

  it('plans nothing when the published metadata is given again (options and labels compared by value, not key order)', async () => {
    expect((await t.tenant.schema.plan(item(retyped))).steps).toEqual([]);
  });

  it('refuses a retype some rows cannot survive, naming how many, and changes nothing', async () => {
    const before = { ...(await metadataState()), mixed: await fingerprint(sql.ref('mixed')) };
    const plan = await t.tenant.schema.plan(item([...withoutMixed, field.mixedInteger]));
    expect(plan.steps.filter((s) => s.action.kind === 'column.alterType').map((s) => s.failingRows)).toEqual([nonNumericMixed]);
    const err = await failure(t.tenant.schema.publish(item([...withoutMixed, field.mixedInteger])));
    expect(err).toMatchObject({ code: 'FIELD_TYPE_CHANGE_LOSES_DATA', details: { field: 'mixed', rows: nonNumericMixed } });
    expect((err.details.sample as string[]).length).toBeGreaterThan(0);
    expect({ ...(await metadataState()), mixed: await fingerprint(sql.ref('mixed')) }).toEqual(before);
  });

  it('archives an omitted field, keeping its column and data, and brings the values back when it returns', async () => {
    const values = await fingerprint(sql.ref('mixed'));
    await publish('drop mixed', withoutMixed);
    const current = await t.tenant.schema.current();
    expect(current?.objects[0]?.fields.find((f) => f.id === 'mixed')).toMatchObject({ archived: true });
    expect(await t.tenant.records.get('item', api.id)).not.toHaveProperty('mixed');
    expect((await failure(t.tenant.records.update('item', api.id, { mixed: '8' }))).details.problems).toEqual([
      expect.objectContaining({ code: 'FIELD_NOT_FOUND', field: 'mixed' }),
    ]);
    expect(await fingerprint(sql.ref('mixed'))).toEqual(values);
    await publish('restore mixed', [...withoutMixed, { ...field.mixed, archived: false } as unknown as FieldSpec]);
    expect(await t.tenant.records.get('item', api.id)).toMatchObject({ mixed: '7' });
    expect(await fingerprint(sql.ref('mixed'))).toEqual(values);
  });

  it('leaves metadata and table exactly as before when a publish fails at its last step', async () => {
    const before = await metadataState();
    const input = item([...retyped, field.extra], { indexes: [{ fields: ['code'], unique: true }] });
    expect((await t.tenant.schema.plan(input)).steps.map((s) => s.action.kind)).toEqual(['column.add', 'index.create']);
    const err = await failure(t.tenant.schema.publish(input));
    expect(err).toMatchObject({ code: 'UNIQUE_VIOLATED_BY_DATA', details: { object: 'item', columns: ['code'] } });
    expect(await metadataState()).toEqual(before);
    expect(before.columns).not.toHaveProperty('extra');
  });

  it('rolls back to an earlier revision: fields added later are archived with their data kept', async () => {
    const target = revisionIds['restore mixed'] as number;
    await publish('late', [...retyped, field.late]);
    await t.tenant.records.update('item', api.id, { late: '迟到的值' });
    const back = await t.tenant.schema.rollback(target);
    expect(back.message).toBe(`rollback to revision ${target}`);
    expect(back.metadata.objects[0]?.fields.find((f) => f.id === 'late')).toMatchObject({ archived: true });
    expect(await t.tenant.records.get('item', api.id)).not.toHaveProperty('late');
    expect(await fingerprint(sql.ref('late'))).toMatchObject({ n: 1 });
    await t.tenant.schema.rollback(revisionIds.late as number);
    expect(await t.tenant.records.get('item', api.id)).toMatchObject({ late: '迟到的值', heading: 'api 0', qty: 5 });
  });
});
