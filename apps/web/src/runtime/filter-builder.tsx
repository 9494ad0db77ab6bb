import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Field } from '@tangram/metadata';
import { Button, Select, Space, Typography } from 'antd';
import type { MessageKey } from '../i18n/dictionary';
import { newId } from '../layout/form-layout';
import { useI18n } from '../i18n/i18n';
import { FieldEditor, widgetOf } from '../widgets/registry';
import { type Condition, type FilterState, needsValue, type Operator, operatorsFor } from './filter-logic';

/** The editor used for a filter value: computed and multi-valued fields are filtered by one plain value (the widget says which). */
function valueField(field: Field): Field {
  return widgetOf(field).filterAs?.(field) ?? field;
}

export interface FilterBuilderProps {
  tenant: string;
  fields: Field[];
  value: FilterState;
  onChange(next: FilterState): void;
}

/** A visual condition builder; its state becomes JSON Logic (see filter-logic.ts). Also used for form rules. */
export function FilterBuilder({ tenant, fields, value, onChange }: FilterBuilderProps) {
  const { t, label } = useI18n();
  const filterable = fields.filter((f) => operatorsFor(f).length > 0);
  const set = (i: number, c: Partial<Condition>) => onChange({ ...value, conditions: value.conditions.map((x, j) => (j === i ? { ...x, ...c } : x)) });
  const first = filterable[0];
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="filter-builder">
      <Space wrap>
        <Typography.Text>{t('filter.match')}</Typography.Text>
        <Select
          aria-label={t('filter.match')}
          value={value.match}
          onChange={(match) => onChange({ ...value, match })}
          options={[
            { value: 'all', label: t('filter.all') },
            { value: 'any', label: t('filter.any') },
          ]}
          style={{ width: 130 }}
        />
      </Space>
      {value.conditions.map((c, i) => {
        const field = fields.find((f) => f.name === c.field);
        const ops = field ? operatorsFor(field) : [];
        return (
          <Space key={c.key ?? c.field} wrap align="start" data-testid="filter-condition">
            <Select
              aria-label={t('filter.field')}
              value={c.field}
              style={{ width: 150 }}
              showSearch
              optionFilterProp="label"
              options={filterable.map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
              onChange={(name) => {
                const f = fields.find((x) => x.name === name);
                set(i, { field: name, op: f ? (operatorsFor(f)[0] ?? 'eq') : 'eq', value: undefined });
              }}
            />
            <Select
              aria-label={t('filter.operator')}
              value={c.op}
              style={{ width: 120 }}
              options={ops.map((op) => ({ value: op, label: t(`op.${op}` as MessageKey) }))}
              onChange={(op: Operator) => set(i, { op })}
            />
            {field && needsValue(c.op) && (
              <fieldset style={{ width: 200, border: 0, margin: 0, padding: 0 }} aria-label={t('filter.value')}>
                <label htmlFor={`filter-value-${i}`} className="tg-sr-only">
                  {t('filter.value')}
                </label>
                <FieldEditor field={valueField(field)} tenant={tenant} value={c.value} onChange={(v) => set(i, { value: v })} id={`filter-value-${i}`} />
              </fieldset>
            )}
            <Button
              aria-label={t('common.delete')}
              icon={<DeleteOutlined />}
              onClick={() => onChange({ ...value, conditions: value.conditions.filter((_, j) => j !== i) })}
            />
          </Space>
        );
      })}
      {first && (
        <Button
          icon={<PlusOutlined />}
          type="dashed"
          onClick={() => onChange({ ...value, conditions: [...value.conditions, { key: newId('c'), field: first.name, op: operatorsFor(first)[0] ?? 'eq' }] })}
        >
          {t('filter.add')}
        </Button>
      )}
    </Space>
  );
}
