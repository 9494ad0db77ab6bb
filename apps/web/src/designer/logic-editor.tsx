import type { Field } from '@tangram/metadata';
import { Button, Space, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { FilterBuilder } from '../runtime/filter-builder';
import { type FilterState, filterToLogic, logicToFilter } from '../runtime/filter-logic';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A condition (view filter, form rule) edited with the visual builder and written as JSON Logic.
 * Rows still being filled in (no value yet) stay on screen, though they are not part of the logic
 * until complete; an outside change (undo, redo) resets the rows. Logic the builder cannot show
 * is shown as JSON, with a button to clear it.
 */
export function LogicEditor({ tenant, fields, logic, onChange }: { tenant: string; fields: Field[]; logic: unknown; onChange(next: unknown): void }) {
  const { t } = useI18n();
  const [rows, setRows] = useState<FilterState | undefined>(() => logicToFilter(logic));
  const [seen, setSeen] = useState<unknown>(logic);
  if (!same(seen, logic)) {
    setSeen(logic);
    setRows(logicToFilter(logic));
  }
  if (!rows)
    return (
      <Space direction="vertical">
        <Typography.Text code>{JSON.stringify(logic)}</Typography.Text>
        <Button size="small" onClick={() => onChange(undefined)}>
          {t('filter.clear')}
        </Button>
      </Space>
    );
  return (
    <FilterBuilder
      tenant={tenant}
      fields={fields}
      value={rows}
      onChange={(next) => {
        setRows(next);
        const written = filterToLogic(next);
        if (same(written, logic)) return;
        setSeen(written);
        onChange(written);
      }}
    />
  );
}
