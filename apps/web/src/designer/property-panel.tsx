import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { fieldTypes } from '@tangram/fields';
import type { DuplicateMatch, DuplicateRuleInput, FieldInput, LocaleText, ObjectInput } from '@tangram/metadata';
import { Button, Card, Divider, Empty, Form, Input, Select, Space, Switch, Tag } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { FieldEditor } from '../widgets/registry';
import { duplicateMatchesFor, duplicateRuleOf, withDuplicateMatch } from './designer-core';
import { optionFields } from './field-defaults';

const namePattern = /^[a-z][a-z0-9_]{0,62}$/;
const asLocale = (l: LocaleText | string | undefined, fallback: string): LocaleText =>
  typeof l === 'string' ? { 'zh-CN': l, en: l } : (l ?? { 'zh-CN': fallback });

/** A text input that commits on blur or Enter (one undo step per edit, not per key). */
function CommitInput({
  id,
  value,
  onCommit,
  validate,
  ariaLabel,
}: {
  id: string;
  value: string;
  onCommit(v: string): void;
  validate?(v: string): string | undefined;
  ariaLabel?: string;
}) {
  const [text, setText] = useState(value);
  const [error, setError] = useState<string | undefined>();
  const commit = () => {
    const problem = validate?.(text);
    setError(problem);
    if (!problem && text !== value) onCommit(text);
  };
  return (
    <>
      <Input
        id={id}
        aria-label={ariaLabel}
        value={text}
        status={error ? 'error' : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onPressEnter={commit}
      />
      {error && <div style={{ color: '#ff4d4f', fontSize: 12 }}>{error}</div>}
    </>
  );
}

interface SelectOptionInput {
  key: string;
  label?: LocaleText | string;
  color?: string;
}

function swap<T>(list: T[], a: number, b: number): T[] {
  const next = [...list];
  [next[a], next[b]] = [next[b] as T, next[a] as T];
  return next;
}

function SelectOptionsEditor({ options, onChange }: { options: SelectOptionInput[]; onChange(next: SelectOptionInput[]): void }) {
  const { t } = useI18n();
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="select-options">
      {options.map((o, i) => (
        <Space.Compact key={o.key} style={{ width: '100%' }}>
          <CommitInput
            id={`option-label-${i}`}
            ariaLabel={`${t('designer.selectOptions')} ${i + 1}`}
            value={asLocale(o.label, o.key)['zh-CN'] ?? o.key}
            onCommit={(v) => onChange(options.map((x, j) => (j === i ? { ...x, label: { ...asLocale(x.label, x.key), 'zh-CN': v } } : x)))}
          />
          <Button aria-label={t('designer.moveUp')} icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => onChange(swap(options, i, i - 1))} />
          <Button
            aria-label={t('designer.moveDown')}
            icon={<ArrowDownOutlined />}
            disabled={i === options.length - 1}
            onClick={() => onChange(swap(options, i, i + 1))}
          />
          <Button
            aria-label={t('common.delete')}
            icon={<DeleteOutlined />}
            disabled={options.length <= 1}
            onClick={() => onChange(options.filter((_, j) => j !== i))}
          />
        </Space.Compact>
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        onClick={() => {
          let n = options.length + 1;
          while (options.some((o) => o.key === `option_${n}`)) n++;
          onChange([...options, { key: `option_${n}`, label: { 'zh-CN': `选项${n}`, en: `Option ${n}` } }]);
        }}
      >
        {t('designer.addOption')}
      </Button>
    </Space>
  );
}

export interface PropertyPanelProps {
  tenant: string;
  object: ObjectInput;
  objects: ObjectInput[];
  field: FieldInput | undefined;
  onChange(after: FieldInput): void;
  /** The object's duplicate rules (查重) after a change made for this field. */
  onDuplicateRules(rules: DuplicateRuleInput[]): void;
  onRemove(): void;
}

/** The selected field's properties; its type's options are rendered as fields with the runtime's widgets. */
export function PropertyPanel({ tenant, object, objects, field, onChange, onDuplicateRules, onRemove }: PropertyPanelProps) {
  const { t, label } = useI18n();
  if (!field)
    return (
      <Card size="small" title={t('designer.properties')}>
        <Empty description={t('designer.noSelection')} />
      </Card>
    );
  const l = asLocale(field.label, field.name);
  const options = field.options ?? {};
  const taken = new Set(object.fields.filter((f) => f !== field).map((f) => f.name));
  const set = (patch: Partial<FieldInput>) => onChange({ ...field, ...patch });
  return (
    <Card
      size="small"
      title={t('designer.properties')}
      extra={<Tag color="blue">{label(fieldTypes[field.type].label, field.type)}</Tag>}
      data-testid="property-panel"
      key={field.name}
    >
      <Form layout="vertical" size="small" component="div">
        <Form.Item label={t('designer.fieldLabel')} htmlFor="prop-label">
          <CommitInput
            id="prop-label"
            value={l['zh-CN'] ?? ''}
            onCommit={(v) => set({ label: { ...l, 'zh-CN': v } })}
            validate={(v) => (v.trim() ? undefined : '✗')}
          />
        </Form.Item>
        <Form.Item label={t('designer.fieldLabelEn')} htmlFor="prop-label-en">
          <CommitInput id="prop-label-en" value={l.en ?? ''} onCommit={(v) => set({ label: { ...l, en: v } })} />
        </Form.Item>
        <Form.Item label={t('designer.fieldName')} htmlFor="prop-name">
          <CommitInput
            id="prop-name"
            value={field.name}
            onCommit={(v) => set({ name: v })}
            validate={(v) => (!namePattern.test(v) ? '^[a-z][a-z0-9_]{0,62}$' : taken.has(v) ? `"${v}" ✗` : undefined)}
          />
        </Form.Item>
        <Space size="large" wrap>
          {(['required', 'unique', 'indexed'] as const).map((k) => (
            <Space key={k}>
              <Switch id={`prop-${k}`} size="small" checked={field[k] === true} onChange={(v) => set({ [k]: v })} />
              <label htmlFor={`prop-${k}`}>{t(`designer.${k}`)}</label>
            </Space>
          ))}
        </Space>
        {duplicateMatchesFor(field.type) && (
          <Form.Item label={t('designer.duplicateCheck')} htmlFor="prop-duplicate" style={{ marginTop: 12 }}>
            <Select<DuplicateMatch | 'none'>
              id="prop-duplicate"
              value={duplicateRuleOf(object, field)?.match ?? 'none'}
              options={(['none', ...(duplicateMatchesFor(field.type) ?? [])] as const).map((m) => ({ value: m, label: t(`designer.dup.${m}`) }))}
              onChange={(m) => onDuplicateRules(withDuplicateMatch(object, field, m === 'none' ? undefined : m))}
            />
          </Form.Item>
        )}
        {fieldTypes[field.type].optionList && (
          <>
            <Divider plain>{t('designer.selectOptions')}</Divider>
            <SelectOptionsEditor
              options={(options.options as SelectOptionInput[] | undefined) ?? []}
              onChange={(next) => set({ options: { ...options, options: next } })}
            />
          </>
        )}
        {optionFields(field.type, objects).length > 0 && <Divider plain>{t('designer.options')}</Divider>}
        {optionFields(field.type, objects).map((of) => (
          <Form.Item key={of.name} label={of.name} htmlFor={`opt-${of.name}`} required={of.required}>
            <FieldEditor
              id={`opt-${of.name}`}
              field={of}
              tenant={tenant}
              value={options[of.name] ?? null}
              onChange={(v) => {
                const next = { ...options };
                if (v === null || v === undefined || v === '') delete next[of.name];
                else next[of.name] = v;
                set({ options: next });
              }}
            />
          </Form.Item>
        ))}
        <Divider />
        <Button danger icon={<DeleteOutlined />} onClick={onRemove}>
          {t('designer.removeField')}
        </Button>
      </Form>
    </Card>
  );
}
