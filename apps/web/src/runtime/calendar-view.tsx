import { fieldTypes } from '@tangram/fields';
import { Badge, Calendar, Empty, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { activeFields, fieldNameOf } from '../api/metadata';
import { useRecords } from '../api/records';
import { useI18n } from '../i18n/i18n';
import { titleOf } from '../widgets/record-pickers';
import type { ViewProps } from './list-page';

/** Records on a month calendar by a date (or date-time) field; only the visible month is fetched. */
export default function CalendarView({ tenant, object, view }: ViewProps) {
  const { t, label } = useI18n();
  const dates = activeFields(object).filter((f) => fieldTypes[f.type].temporal);
  const [fieldName, setFieldName] = useState(view?.dateField ? fieldNameOf(object, view.dateField) : dates[0]?.name);
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const field = dates.find((f) => f.name === fieldName);
  const from = month.startOf('month').subtract(7, 'day');
  const to = month.endOf('month').add(7, 'day');
  const fmt = (d: Dayjs) => (field && fieldTypes[field.type].temporal === 'day' ? d.format('YYYY-MM-DD') : d.toISOString());
  const records = useRecords(
    tenant,
    object.name,
    {
      filter: field
        ? { and: [{ '>=': [{ var: field.name }, fmt(from)] }, { '<=': [{ var: field.name }, fmt(to)] }, ...(view?.filter ? [view.filter] : [])] }
        : undefined,
      limit: 1000,
    },
    field !== undefined,
  );
  if (!field) return <Empty description={t('calendar.noDate')} />;
  const onDay = (d: Dayjs) => (records.data?.records ?? []).filter((r) => typeof r[field.name] === 'string' && dayjs(r[field.name] as string).isSame(d, 'day'));
  return (
    <div style={{ background: '#fff', padding: 8, borderRadius: 8 }}>
      <Space style={{ marginBottom: 8 }}>
        <label htmlFor="calendar-field">{t('calendar.dateField')}</label>
        <Select
          id="calendar-field"
          value={fieldName}
          onChange={setFieldName}
          options={dates.map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
          style={{ width: 160 }}
        />
      </Space>
      <Calendar
        value={month}
        onPanelChange={(d) => setMonth(d)}
        onSelect={(d) => setMonth(d)}
        cellRender={(d, info) =>
          info.type === 'date' ? (
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {onDay(d).map((r) => (
                <li key={r.id}>
                  <Badge status="processing" text={<Link to={`/t/${tenant}/o/${object.name}/r/${r.id}`}>{titleOf(object, r)}</Link>} />
                </li>
              ))}
            </ul>
          ) : null
        }
      />
    </div>
  );
}
