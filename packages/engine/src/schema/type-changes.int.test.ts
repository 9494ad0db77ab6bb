import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';

type Options = Record<string, unknown>;
let object = 'item';
const app = (type: string, options?: Options) => ({ objects: [{ name: object, fields: [{ name: 'v', type, ...(options ? { options } : {}) }] }] });

/** The reported cases of issue 12: type and option changes that rounded or overflowed silently. */
describe.each(await backends())('type changes that would change stored values, on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
  });
  afterAll(() => t.close());

  let ids: string[] = [];
  async function seed(type: string, options: Options | undefined, values: number[]): Promise<string[]> {
    object = `item${ids.length + Math.floor(Math.random() * 1e6)}`;
    await t.tenant.schema.publish(app(type, options));
    ids = [];
    for (const v of values) ids.push((await t.tenant.records.create(object, { v })).id as string);
    return ids;
  }
  const values = async () => Promise.all(ids.map(async (id) => (await t.tenant.records.get(object, id)).v));

  const cases: {
    name: string;
    from: [string, Options | undefined];
    to: [string, Options | undefined];
    values: number[];
    lost: number[];
    rounded: number[] | null;
  }[] = [
    {
      name: 'decimal → currency (4 → 2 decimals)',
      from: ['decimal', undefined],
      to: ['currency', undefined],
      values: [1.5, 2.125],
      lost: [2.125],
      rounded: [1.5, 2.13],
    },
    { name: 'decimal scale 4 → 2', from: ['decimal', { scale: 4 }], to: ['decimal', { scale: 2 }], values: [0.0001, 3], lost: [0.0001], rounded: [0, 3] },
    { name: 'decimal → integer', from: ['decimal', undefined], to: ['integer', undefined], values: [2.5, 7], lost: [2.5], rounded: [3, 7] },
    {
      name: 'integer 1e14 → decimal(18,4) (overflow)',
      from: ['integer', undefined],
      to: ['decimal', undefined],
      values: [1e14, 5],
      lost: [1e14],
      rounded: null,
    },
    {
      name: 'precision 18 → 10 (overflow)',
      from: ['decimal', undefined],
      to: ['decimal', { precision: 10 }],
      values: [12345678.5, 1],
      lost: [12345678.5],
      rounded: null,
    },
  ];

  for (const c of cases)
    it(`${c.name}: counted in the dry run and refused with the rows, unless rounding is accepted`, async () => {
      const ids = await seed(c.from[0], c.from[1], c.values);
      const lostIds = c.lost.map((v) => ids[c.values.indexOf(v)]);
      const target = app(c.to[0], c.to[1]);
      const step = (await t.tenant.schema.plan(target)).steps.find((s) => s.action.kind === 'column.alterType');
      expect(step?.failingRows).toBe(c.lost.length);
      const err = await failure(t.tenant.schema.publish(target));
      expect(err).toMatchObject({ code: 'FIELD_TYPE_CHANGE_LOSES_DATA', details: { field: 'v', rows: c.lost.length, sample: lostIds } });
      expect(await values()).toEqual(c.values);

      const accepted = (await t.tenant.schema.plan(target, { acceptRounding: true })).steps.find((s) => s.action.kind === 'column.alterType');
      if (c.rounded === null) {
        // Overflow cannot be accepted: there is no value to round to.
        expect(accepted?.failingRows).toBe(c.lost.length);
        expect((await failure(t.tenant.schema.publish(target, { acceptRounding: true }))).code).toBe('FIELD_TYPE_CHANGE_LOSES_DATA');
        expect(await values()).toEqual(c.values);
      } else {
        expect(accepted).toMatchObject({ failingRows: 0, roundedRows: c.lost.length });
        await t.tenant.schema.publish(target, { acceptRounding: true });
        expect(await values()).toEqual(c.rounded);
      }
    });

  it('decimal → text gives the number’s canonical text (1.5, not 1.5000)', async () => {
    await seed('decimal', undefined, [1.5, 2, 0.0001]);
    await t.tenant.schema.publish(app('text'));
    expect(await values()).toEqual(['1.5', '2', '0.0001']);
  });

  it('json → text (documented: anything → text) converts: strings unquoted, other JSON as its text', async () => {
    object = `json${Math.floor(Math.random() * 1e6)}`;
    await t.tenant.schema.publish(app('json'));
    ids = [];
    for (const v of ['abc', { a: 1 }, [1, 'x'], 2.5]) ids.push((await t.tenant.records.create(object, { v })).id as string);
    const step = (await t.tenant.schema.plan(app('text'))).steps.find((s) => s.action.kind === 'column.alterType');
    expect(step).toMatchObject({ failingRows: 0 });
    await t.tenant.schema.publish(app('text'));
    const texts = (await values()) as string[];
    expect(texts[0]).toBe('abc');
    expect(texts.slice(1).map((x) => JSON.parse(x))).toEqual([{ a: 1 }, [1, 'x'], 2.5]);
  });
});
