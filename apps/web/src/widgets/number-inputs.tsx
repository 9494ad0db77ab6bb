import type { Field } from '@tangram/metadata';
import { InputNumber } from 'antd';
import { type DisplayProps, type EditorProps, type Widget, asType } from './widget';

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));
const scaleOf = (f: Field, fallback: number) => (typeof f.options.scale === 'number' ? f.options.scale : fallback);

/** Formats a number with the field's scale (integers without decimals). */
export function formatNumber(v: unknown, field: Field, scale = scaleOf(field, 2)): string {
  const n = num(v);
  if (n === null || Number.isNaN(n)) return '';
  return n.toLocaleString(undefined, { maximumFractionDigits: scale });
}

function NumberEditor({ id, value, onChange, disabled, precision, prefix, suffix }: EditorProps & { precision?: number; prefix?: string; suffix?: string }) {
  // No min/max here: an out-of-range number stays as typed and the server's message shows on the field.
  return (
    <InputNumber
      id={id}
      style={{ width: '100%' }}
      value={num(value)}
      onChange={(v) => onChange?.(v ?? null)}
      disabled={disabled}
      precision={precision}
      prefix={prefix}
      suffix={suffix}
    />
  );
}

const plain = ({ value, field }: DisplayProps) => <span>{formatNumber(value, field)}</span>;

/** Decimals. */
export const numberInput: Widget = {
  id: 'number-input',
  types: ['decimal'],
  Editor: (p) => <NumberEditor {...p} />,
  Display: plain,
};

/** Integers: the number input without decimals. */
export const integerInput: Widget = {
  id: 'number-input',
  types: ['integer'],
  Editor: (p) => <NumberEditor {...p} precision={0} />,
  Display: ({ value, field }) => <span>{formatNumber(value, field, 0)}</span>,
};

const currencyCode = (f: Field) => (typeof f.options.currency === 'string' ? f.options.currency : 'CNY');

/** Money in the field's currency. */
export const currencyInput: Widget = {
  id: 'currency-input',
  types: ['currency'],
  Editor: (p) => <NumberEditor {...p} precision={scaleOf(p.field, 2)} prefix={currencyCode(p.field) === 'CNY' ? '¥' : currencyCode(p.field)} />,
  Display: ({ value, field }) => {
    const n = num(value);
    if (n === null) return null;
    return <span>{n.toLocaleString(undefined, { style: 'currency', currency: currencyCode(field), maximumFractionDigits: scaleOf(field, 2) })}</span>;
  },
};

/** A percentage stored as the number of percent (12.5 means 12.5 %). */
export const percentInput: Widget = {
  id: 'percent-input',
  types: ['percent'],
  Editor: (p) => <NumberEditor {...p} suffix="%" />,
  Display: ({ value, field }) => (num(value) === null ? null : <span>{formatNumber(value, field)} %</span>),
};

/** Read-only number (rollups). */
export const numberDisplay: Widget = {
  id: 'number-display',
  types: ['rollup'],
  filterAs: (f) => asType(f, 'decimal'),
  Editor: ({ value, field, id }) => <output id={id}>{formatNumber(value, field)}</output>,
  Display: plain,
};
