import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { type Field, type FieldAssignmentInput, type RecipientInput, type RecipientKind, recipientKinds } from '@tangram/metadata';
import { Button, Input, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import type { MessageKey } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { MemberName } from '../widgets/people-pickers';
import { FieldEditor } from '../widgets/registry';
import { isUserReference, isWritable, newRecipient } from './automation-core';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A formula typed as JSON Logic (or any JSON: an aggregate, a filter); kept as typed until it parses. */
export function FormulaInput({ value, onChange, ariaLabel }: { value: unknown; onChange(v: unknown): void; ariaLabel: string }) {
  const [text, setText] = useState(() => JSON.stringify(value ?? { var: '' }));
  const [seen, setSeen] = useState(value);
  const [bad, setBad] = useState(false);
  if (!same(seen, value)) {
    setSeen(value);
    setText(JSON.stringify(value ?? null));
    setBad(false);
  }
  return (
    <Input
      aria-label={ariaLabel}
      value={text}
      status={bad ? 'error' : undefined}
      style={{ width: 260, fontFamily: 'monospace' }}
      onChange={(e) => {
        setText(e.target.value);
        try {
          const parsed = JSON.parse(e.target.value);
          setBad(false);
          setSeen(parsed);
          onChange(parsed);
        } catch {
          setBad(true);
        }
      }}
    />
  );
}

/** Field mapping: which fields an action writes, each with a constant (edited with the field's own widget) or a formula. */
export function ValuesEditor({
  tenant,
  idPrefix,
  fields,
  values,
  aggregates = true,
  onChange,
}: {
  tenant: string;
  /** Makes the value inputs' ids unique on the page (one editor per action). */
  idPrefix: string;
  fields: Field[];
  values: FieldAssignmentInput[];
  /** Offer values read from other records (automations only). */
  aggregates?: boolean;
  onChange(next: FieldAssignmentInput[]): void;
}) {
  const { t, label } = useI18n();
  const writable = fields.filter(isWritable);
  const set = (i: number, next: FieldAssignmentInput) => onChange(values.map((v, j) => (j === i ? next : v)));
  const free = writable.find((f) => !values.some((v) => v.field === f.name));
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="values-editor">
      {values.map((v, i) => {
        const field = fields.find((f) => f.name === v.field);
        const mode = v.aggregate !== undefined ? 'aggregate' : v.formula !== undefined ? 'formula' : 'value';
        return (
          <Space key={v.field} wrap align="start" data-testid="value-row">
            <Select
              aria-label={t('auto.valueField')}
              value={v.field}
              style={{ width: 160 }}
              showSearch
              optionFilterProp="label"
              options={writable.map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
              onChange={(name: string) => set(i, { field: name, value: null })}
            />
            <Select
              aria-label={t('auto.valueMode')}
              value={mode}
              style={{ width: 140 }}
              options={[
                { value: 'value', label: t('auto.constant') },
                { value: 'formula', label: t('auto.formula') },
                ...(aggregates || mode === 'aggregate' ? [{ value: 'aggregate', label: t('auto.aggregate') }] : []),
              ]}
              onChange={(m) =>
                set(
                  i,
                  m === 'formula'
                    ? { field: v.field, formula: { var: v.field } }
                    : m === 'aggregate'
                      ? { field: v.field, aggregate: { object: '', op: 'count' } }
                      : { field: v.field, value: null },
                )
              }
            />
            {mode === 'value' && field && (
              <fieldset style={{ width: 240, border: 0, margin: 0, padding: 0 }} aria-label={t('auto.value')}>
                <label htmlFor={`${idPrefix}-value-${i}`} className="tg-sr-only">
                  {t('auto.value')}
                </label>
                <FieldEditor
                  field={field}
                  tenant={tenant}
                  value={v.value ?? null}
                  onChange={(value) => set(i, { field: v.field, value: value ?? null })}
                  id={`${idPrefix}-value-${i}`}
                />
              </fieldset>
            )}
            {mode === 'formula' && <FormulaInput ariaLabel={t('auto.formula')} value={v.formula} onChange={(formula) => set(i, { field: v.field, formula })} />}
            {/* Read from other records: { object, op, field?, filter?, sort? } as JSON (docs/guides/automations.md). */}
            {mode === 'aggregate' && (
              <FormulaInput
                ariaLabel={t('auto.aggregate')}
                value={v.aggregate}
                onChange={(aggregate) => set(i, { field: v.field, aggregate: aggregate as FieldAssignmentInput['aggregate'] })}
              />
            )}
            <Button aria-label={t('common.delete')} icon={<DeleteOutlined />} onClick={() => onChange(values.filter((_, j) => j !== i))} />
          </Space>
        );
      })}
      {free && (
        <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => onChange([...values, { field: free.name, value: null }])}>
          {t('auto.addValue')}
        </Button>
      )}
    </Space>
  );
}

const userPicker: Field = {
  id: 'recipient_user',
  name: 'recipient_user',
  type: 'user',
  label: {},
  required: false,
  unique: false,
  indexed: false,
  options: {},
  archived: false,
} as Field;

/** Who is notified: the record's owner, their manager, the department head, a role, a user field, given members. */
export function RecipientsEditor({
  tenant,
  idPrefix,
  fields,
  to,
  onChange,
}: {
  tenant: string;
  /** Makes the member pickers' ids unique on the page. */
  idPrefix: string;
  fields: Field[];
  to: RecipientInput[];
  onChange(next: RecipientInput[]): void;
}) {
  const { t, label } = useI18n();
  const userFields = fields.filter(isUserReference);
  const set = (i: number, next: RecipientInput) => onChange(to.map((r, j) => (j === i ? next : r)));
  // Rows keyed by kind and rank among that kind, so typing a role's name keeps its input.
  const rowKeys = to.map((r, i) => `${r.kind}#${to.slice(0, i).filter((x) => x.kind === r.kind).length}`);
  return (
    <Space direction="vertical" data-testid="recipients-editor">
      {to.map((r, i) => (
        <Space key={rowKeys[i]} wrap align="start">
          <Select
            aria-label={t('auto.recipient')}
            value={r.kind}
            style={{ width: 160 }}
            options={recipientKinds.map((k) => ({ value: k, label: t(`auto.recipient.${k}` as MessageKey) }))}
            onChange={(kind: RecipientKind) => set(i, newRecipient(kind, userFields[0]?.name))}
          />
          {r.kind === 'role' && (
            <Input aria-label={t('auto.role')} placeholder="sales_rep" value={r.role} onChange={(e) => set(i, { kind: 'role', role: e.target.value })} />
          )}
          {r.kind === 'userField' && (
            <Select
              aria-label={t('auto.userField')}
              value={r.field}
              style={{ width: 160 }}
              options={userFields.map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
              onChange={(field: string) => set(i, { kind: 'userField', field })}
            />
          )}
          {r.kind === 'users' && (
            <Space wrap>
              {(r.users ?? []).map((id) => (
                <Tag key={id} closable onClose={() => set(i, { kind: 'users', users: (r.users ?? []).filter((x) => x !== id) })}>
                  <MemberName tenant={tenant} id={id} />
                </Tag>
              ))}
              <fieldset style={{ width: 200, border: 0, margin: 0, padding: 0 }} aria-label={t('auto.addUser')}>
                <label htmlFor={`${idPrefix}-users-${i}`} className="tg-sr-only">
                  {t('auto.addUser')}
                </label>
                <FieldEditor
                  field={userPicker}
                  tenant={tenant}
                  value={null}
                  onChange={(id) => typeof id === 'string' && set(i, { kind: 'users', users: [...new Set([...(r.users ?? []), id])] })}
                  id={`${idPrefix}-users-${i}`}
                />
              </fieldset>
            </Space>
          )}
          <Button aria-label={t('common.delete')} icon={<DeleteOutlined />} onClick={() => onChange(to.filter((_, j) => j !== i))} />
        </Space>
      ))}
      <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => onChange([...to, { kind: 'owner' }])}>
        {t('auto.addRecipient')}
      </Button>
    </Space>
  );
}
