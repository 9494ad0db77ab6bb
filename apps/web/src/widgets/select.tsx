import type { Field, LocaleText } from '@tangram/metadata';
import { Select, Space, Tag } from 'antd';
import { useI18n } from '../i18n/i18n';
import { type DisplayProps, type EditorProps, type Widget, asType } from './widget';

export interface SelectOption {
  key: string;
  label?: LocaleText | string;
  color?: string;
  archived?: boolean;
}

/** The options of a select or multi-select field, in their order. */
export function optionsOf(field: Field): SelectOption[] {
  return Array.isArray(field.options.options) ? (field.options.options as SelectOption[]) : [];
}

function useOptionLabel(field: Field) {
  const { label } = useI18n();
  const options = optionsOf(field);
  return (key: string) => {
    const o = options.find((x) => x.key === key);
    return { text: label(o?.label, key), color: o?.color };
  };
}

function OptionTag({ field, value }: { field: Field; value: string }) {
  const o = useOptionLabel(field)(value);
  return <Tag color={o.color}>{o.text}</Tag>;
}

function Editor({ id, value, onChange, disabled, field, multiple }: EditorProps & { multiple?: boolean }) {
  const { label } = useI18n();
  const options = optionsOf(field)
    .filter((o) => !o.archived || (multiple ? (value as string[] | undefined)?.includes(o.key) : value === o.key))
    .map((o) => ({ value: o.key, label: label(o.label, o.key) }));
  return (
    <Select
      id={id}
      mode={multiple ? 'multiple' : undefined}
      allowClear
      style={{ width: '100%' }}
      value={multiple ? ((value as string[] | null) ?? []) : ((value as string | null) ?? undefined)}
      onChange={(v) => onChange?.(v ?? null)}
      disabled={disabled}
      options={options}
      optionFilterProp="label"
      showSearch
    />
  );
}

/** One of a list of options, shown as a coloured tag. */
export const selectWidget: Widget = {
  id: 'select',
  types: ['select'],
  Editor,
  Display: ({ field, value }: DisplayProps) => (typeof value === 'string' ? <OptionTag field={field} value={value} /> : null),
};

/** Several of a list of options. */
export const multiSelect: Widget = {
  id: 'multi-select',
  types: ['multiselect'],
  Editor: (p) => <Editor {...p} multiple />,
  filterAs: (f) => asType(f, 'select'),
  Display: ({ field, value }: DisplayProps) =>
    Array.isArray(value) ? (
      <Space size={[0, 4]} wrap>
        {value.map((v) => (
          <OptionTag key={String(v)} field={field} value={String(v)} />
        ))}
      </Space>
    ) : null,
};
