import type { DashboardFilter, Field } from '@tangram/metadata';
import { DatePicker, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import type { DashboardFilterValues } from '../../api/reports';
import { useI18n } from '../../i18n/i18n';
import { widgets } from '../../widgets/registry';

/** The people pickers edit fields: the owner and department filters are edited as such fields. */
const pickerField = (name: string, type: 'user' | 'department'): Field => ({ id: name, name, type, label: { 'zh-CN': name }, options: {} }) as unknown as Field;
const ownerField = pickerField('owner', 'user');
const departmentField = pickerField('department', 'department');

const day = (d: Dayjs) => d.format('YYYY-MM-DD');

/**
 * The dashboard's filters bar: a period (the days picked; sent with `to` the day after the last,
 * as the API takes it), an owner, a department. Only those the dashboard declares show.
 */
export function DashboardFilters(props: {
  tenant: string;
  filters: DashboardFilter[];
  value: DashboardFilterValues;
  onChange(v: DashboardFilterValues): void;
}) {
  const { tenant, filters, value, onChange } = props;
  const { t } = useI18n();
  const set = <K extends keyof DashboardFilterValues>(key: K, v: DashboardFilterValues[K] | undefined) => {
    const next = { ...value };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next);
  };
  const UserEditor = widgets.user.Editor;
  const DepartmentEditor = widgets.department.Editor;
  return (
    <Space wrap style={{ marginBottom: 12 }} data-testid="dashboard-filters">
      {filters.includes('period') && (
        <Space>
          <label htmlFor="dashboard-period">{t('dashboard.period')}</label>
          <DatePicker.RangePicker
            id={{ start: 'dashboard-period' }}
            aria-label={t('dashboard.period')}
            onChange={(range) => {
              const [from, to] = range ?? [];
              set('period', from && to ? { from: day(from), to: day(to.add(1, 'day')) } : undefined);
            }}
          />
        </Space>
      )}
      {filters.includes('owner') && (
        <Space>
          <label htmlFor="dashboard-owner">{t('dashboard.owner')}</label>
          <div style={{ width: 220 }}>
            <UserEditor
              id="dashboard-owner"
              field={ownerField}
              tenant={tenant}
              value={value.owner ?? null}
              onChange={(v) => set('owner', (v as string | null) ?? undefined)}
            />
          </div>
        </Space>
      )}
      {filters.includes('department') && (
        <Space>
          <label htmlFor="dashboard-department">{t('dashboard.department')}</label>
          <div style={{ width: 200 }}>
            <DepartmentEditor
              id="dashboard-department"
              field={departmentField}
              tenant={tenant}
              value={value.department ?? null}
              onChange={(v) => set('department', (v as string | null) ?? undefined)}
            />
          </div>
        </Space>
      )}
    </Space>
  );
}
