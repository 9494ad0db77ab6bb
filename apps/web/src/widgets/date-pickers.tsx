import { DatePicker } from 'antd';
import dayjs from 'dayjs';
import type { Widget } from './widget';

const parse = (v: unknown) => (typeof v === 'string' && v !== '' ? dayjs(v) : null);

/** A calendar date, stored as YYYY-MM-DD. */
export const datePicker: Widget = {
  id: 'date-picker',
  types: ['date'],
  Editor: ({ id, value, onChange, disabled }) => (
    <DatePicker id={id} style={{ width: '100%' }} value={parse(value)} onChange={(d) => onChange?.(d ? d.format('YYYY-MM-DD') : null)} disabled={disabled} />
  ),
  Display: ({ value }) => <span>{parse(value)?.format('YYYY-MM-DD') ?? ''}</span>,
};

/** A moment, stored as ISO UTC and shown in local time. */
export const datetimePicker: Widget = {
  id: 'datetime-picker',
  types: ['datetime'],
  Editor: ({ id, value, onChange, disabled }) => (
    <DatePicker id={id} showTime style={{ width: '100%' }} value={parse(value)} onChange={(d) => onChange?.(d ? d.toISOString() : null)} disabled={disabled} />
  ),
  Display: ({ value }) => <span>{parse(value)?.format('YYYY-MM-DD HH:mm') ?? ''}</span>,
};
