import type { Field, ObjectDef } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { type DetailLine, type DetailRelation, detailPayload } from './detail-table';

const field = (name: string, type: Field['type'], options: Record<string, unknown> = {}): Field =>
  ({ id: name, name, type, label: { 'zh-CN': name }, required: false, unique: false, indexed: false, options, archived: false }) as Field;
const lineObject = {
  id: 'order_line',
  name: 'order_line',
  fields: [
    field('order', 'masterdetail', { target: 'sales_order', detailName: 'lines' }),
    field('product', 'text'),
    field('qty', 'integer'),
    field('amount', 'formula'),
  ],
} as unknown as ObjectDef;
const relation: DetailRelation = { key: 'lines', object: lineObject, field: lineObject.fields[0] as Field };
const saved: DetailLine[] = [
  { $row: 'a', id: 'a', version: 3, product: '办公椅', qty: 4, amount: 2000 },
  { $row: 'b', id: 'b', version: 1, product: '显示器', qty: 2, amount: 2400 },
];

describe('detailPayload', () => {
  it('sends new lines on create without computed fields or empty values, and leaves out relations with none', () => {
    expect(detailPayload([relation], { lines: [{ $row: 'x', product: '键盘', qty: null, amount: 0 }] }, undefined)).toEqual({ lines: [{ product: '键盘' }] });
    expect(detailPayload([relation], { lines: [] }, undefined)).toEqual({});
  });

  it('sends nothing for unchanged lines on update, and the whole new set with ids and versions when they changed', () => {
    expect(detailPayload([relation], { lines: saved }, { lines: saved })).toEqual({});
    const edited = [{ ...saved[0], qty: null } as DetailLine, { $row: 'n', product: '键盘', qty: 1 }];
    expect(detailPayload([relation], { lines: edited }, { lines: saved })).toEqual({
      lines: [
        { id: 'a', version: 3, product: '办公椅', qty: null },
        { product: '键盘', qty: 1 },
      ],
    });
    expect(detailPayload([relation], { lines: [] }, { lines: saved })).toEqual({ lines: [] });
  });
});
