import { DeleteOutlined } from '@ant-design/icons';
import { type AutomationActionInput, type AutomationActionKind, type AutomationInput, type Field, type ObjectInput, robotProviders } from '@tangram/metadata';
import { Button, Card, Form, Input, InputNumber, Select, Space } from 'antd';
import type { MessageKey } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { actionKindsFor, freeActionId, isNumber, isRecordReference, newAction, zhText } from './automation-core';
import { FormulaInput, RecipientsEditor, ValuesEditor } from './automation-values';
import { draftFields } from './designer-core';

interface ActionProps {
  tenant: string;
  objects: ObjectInput[];
  object: ObjectInput;
  action: AutomationActionInput;
  /** Values from other records and query targets (automations, which run as the system; not record actions). */
  queries: boolean;
  onChange(next: AutomationActionInput): void;
}

const textOf = (v: unknown) => zhText(v);
const asText = (s: string) => ({ 'zh-CN': s });

/** The object an action's values are fields of: the watched one, a parent through a lookup, the children, or a created record's. */
function writtenObject({ objects, object, action }: Pick<ActionProps, 'objects' | 'object' | 'action'>): ObjectInput | undefined {
  const byName = (n: string | undefined) => objects.find((o) => o.name === n || o.id === n);
  if (action.kind === 'createRecord') return byName(action.object);
  if (action.kind !== 'updateRecord' || !action.target || action.target.kind === 'self') return object;
  if (action.target.kind === 'children' || action.target.kind === 'query') return byName(action.target.object);
  const lookup = object.fields.find((f) => f.name === action.target?.field);
  return byName(lookup?.options?.target as string | undefined);
}

function TextItem({ label, value, onChange }: { label: string; value: unknown; onChange(v: string): void }) {
  return (
    <Form.Item label={label}>
      <Input aria-label={label} value={textOf(value)} onChange={(e) => onChange(e.target.value)} />
    </Form.Item>
  );
}

/** One action's editor: its kind's properties (target, values, recipients, texts, URL, strategy, score). */
function ActionBody(p: ActionProps) {
  const { t, label } = useI18n();
  const { action, onChange, object, objects, tenant, queries } = p;
  const set = (patch: Partial<AutomationActionInput>) => onChange({ ...action, ...patch });
  const fields = draftFields(object);
  const written = writtenObject(p);
  const writtenFields: Field[] = written ? draftFields(written) : [];
  const fieldOptions = (list: Field[]) => list.map((f) => ({ value: f.name, label: label(f.label, f.name) }));
  const values = (
    <ValuesEditor
      tenant={tenant}
      idPrefix={`action-${action.id}`}
      fields={writtenFields}
      values={action.values ?? []}
      aggregates={queries}
      onChange={(v) => set({ values: v })}
    />
  );
  switch (action.kind) {
    case 'setFields':
      return values;
    case 'updateRecord': {
      const target = action.target ?? { kind: 'self' as const };
      return (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Select
              aria-label={t('auto.target')}
              value={target.kind}
              style={{ width: 160 }}
              options={(queries ? (['self', 'parent', 'children', 'query'] as const) : (['self', 'parent', 'children'] as const)).map((k) => ({
                value: k,
                label: t(`auto.target.${k}` as MessageKey),
              }))}
              onChange={(kind) =>
                set({
                  target:
                    kind === 'self'
                      ? { kind }
                      : kind === 'parent'
                        ? { kind, field: fields.find(isRecordReference)?.name ?? '' }
                        : kind === 'query'
                          ? { kind, object: '', filter: { '==': [{ var: 'id' }, { var: '$record.id' }] } }
                          : { kind, object: '', field: '' },
                  values: [],
                })
              }
            />
            {target.kind === 'parent' && (
              <Select
                aria-label={t('auto.lookupField')}
                value={target.field}
                style={{ width: 160 }}
                options={fieldOptions(fields.filter(isRecordReference))}
                onChange={(field: string) => set({ target: { kind: 'parent', field }, values: [] })}
              />
            )}
            {target.kind === 'query' && (
              <>
                <Select
                  aria-label={t('auto.queryObject')}
                  value={target.object || undefined}
                  style={{ width: 160 }}
                  options={objects.map((o) => ({ value: o.name, label: label(o.label, o.name) }))}
                  onChange={(o: string) => set({ target: { ...target, object: o }, values: [] })}
                />
                {/* Which of its records: JSON Logic over its fields, with $record (at most 500 are updated). */}
                <FormulaInput ariaLabel={t('auto.queryFilter')} value={target.filter} onChange={(filter) => set({ target: { ...target, filter } })} />
              </>
            )}
            {target.kind === 'children' && (
              <>
                <Select
                  aria-label={t('auto.childObject')}
                  value={target.object || undefined}
                  style={{ width: 160 }}
                  options={objects.map((o) => ({ value: o.name, label: label(o.label, o.name) }))}
                  onChange={(o: string) => set({ target: { kind: 'children', object: o, field: '' }, values: [] })}
                />
                <Select
                  aria-label={t('auto.lookupField')}
                  value={target.field || undefined}
                  style={{ width: 160 }}
                  options={fieldOptions(
                    writtenFields.filter((f) => isRecordReference(f) && (f.options.target === object.name || f.options.target === object.id)),
                  )}
                  onChange={(field: string) => set({ target: { ...target, field } })}
                />
              </>
            )}
          </Space>
          {values}
        </Space>
      );
    }
    case 'createRecord':
      return (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Select
            aria-label={t('auto.createObject')}
            value={action.object}
            style={{ width: 200 }}
            options={objects.map((o) => ({ value: o.name, label: label(o.label, o.name) }))}
            onChange={(o: string) => set({ object: o, values: [] })}
          />
          {values}
        </Space>
      );
    case 'refuse':
      return <TextItem label={t('auto.message')} value={action.message} onChange={(v) => set({ message: asText(v) })} />;
    case 'notify':
    case 'email':
      return (
        <Form layout="vertical" component="div">
          <Form.Item label={t('auto.recipients')}>
            <RecipientsEditor tenant={tenant} idPrefix={`action-${action.id}`} fields={fields} to={action.to ?? []} onChange={(to) => set({ to })} />
          </Form.Item>
          {action.kind === 'notify' ? (
            <TextItem label={t('auto.notifyTitle')} value={action.title} onChange={(v) => set({ title: asText(v) })} />
          ) : (
            <TextItem label={t('auto.subject')} value={action.subject} onChange={(v) => set({ subject: asText(v) })} />
          )}
          <TextItem
            label={t('auto.body')}
            value={action.body}
            onChange={(v) => (v || action.kind === 'email' ? set({ body: asText(v) }) : set({ body: undefined }))}
          />
        </Form>
      );
    case 'webhook':
      return (
        <Form layout="vertical" component="div">
          <TextItem label={t('auto.url')} value={action.url} onChange={(url) => set({ url })} />
          <TextItem label={t('auto.secretRef')} value={action.secretRef} onChange={(v) => set({ secretRef: v || undefined })} />
        </Form>
      );
    case 'robot':
      return (
        <Form layout="vertical" component="div">
          <Form.Item label={t('auto.provider')}>
            <Select
              aria-label={t('auto.provider')}
              value={action.provider}
              style={{ width: 160 }}
              options={robotProviders.map((k) => ({ value: k, label: t(`auto.provider.${k}` as MessageKey) }))}
              onChange={(provider) => set({ provider })}
            />
          </Form.Item>
          <TextItem label={t('auto.url')} value={action.url} onChange={(url) => set({ url })} />
          <TextItem label={t('auto.message')} value={action.message} onChange={(v) => set({ message: asText(v) })} />
        </Form>
      );
    case 'assignOwner': {
      const s = action.strategy ?? { kind: 'mapping' as const, map: {} };
      return (
        <Space direction="vertical">
          <Select
            aria-label={t('auto.strategy')}
            value={s.kind}
            style={{ width: 160 }}
            options={(['mapping', 'roundRobin'] as const).map((k) => ({ value: k, label: t(`auto.strategy.${k}` as MessageKey) }))}
            onChange={(kind) => set({ strategy: kind === 'mapping' ? { kind, field: fields[0]?.name ?? '', map: {} } : { kind, department: '' } })}
          />
          {s.kind === 'roundRobin' && (
            <TextItem label={t('auto.department')} value={s.department} onChange={(department) => set({ strategy: { ...s, department } })} />
          )}
          {s.kind === 'mapping' && (
            <Space wrap>
              <Select
                aria-label={t('auto.mappingField')}
                value={s.field}
                style={{ width: 160 }}
                options={fieldOptions(fields)}
                onChange={(field: string) => set({ strategy: { ...s, field } })}
              />
              <TextItem
                label={t('auto.mapping')}
                value={JSON.stringify(s.map ?? {})}
                onChange={(v) => {
                  try {
                    set({ strategy: { ...s, map: JSON.parse(v) } });
                  } catch {
                    // Kept as it was until the text is valid JSON.
                  }
                }}
              />
            </Space>
          )}
        </Space>
      );
    }
    case 'addScore':
      return (
        <Space wrap>
          <Select
            aria-label={t('auto.scoreField')}
            value={action.field}
            style={{ width: 160 }}
            options={fieldOptions(fields.filter(isNumber))}
            onChange={(field: string) => set({ field })}
          />
          <InputNumber aria-label={t('auto.amount')} value={action.amount} onChange={(amount) => set({ amount: amount ?? 0 })} />
        </Space>
      );
    default:
      return null;
  }
}

/** The actions, in order: each a card with its kind's editor; a picker adds one of the kinds the timing allows. */
export function ActionsEditor({
  tenant,
  objects,
  object,
  automation,
  kinds,
  queries = true,
  onChange,
}: {
  tenant: string;
  objects: ObjectInput[];
  object: ObjectInput;
  automation: Pick<AutomationInput, 'actions' | 'trigger'>;
  /** The kinds offered (default: those the trigger's timing allows). */
  kinds?: AutomationActionKind[];
  /** Offer values from other records and query targets (default true; record actions run as a person and take neither). */
  queries?: boolean;
  onChange(next: AutomationActionInput[]): void;
}) {
  const { t } = useI18n();
  const actions = automation.actions;
  const fields = draftFields(object);
  const add = (kind: AutomationActionKind) =>
    onChange([
      ...actions,
      newAction(kind, freeActionId(automation), {
        objectName: object.name,
        firstField: fields[0]?.name,
        numberField: fields.find(isNumber)?.name,
      }),
    ]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {actions.map((a, i) => (
        <Card
          key={a.id}
          size="small"
          data-testid="automation-action"
          title={`${i + 1}. ${t(`auto.action.${a.kind}` as MessageKey)}`}
          extra={<Button aria-label={t('auto.removeAction')} size="small" icon={<DeleteOutlined />} onClick={() => onChange(actions.filter((x) => x !== a))} />}
        >
          <ActionBody
            tenant={tenant}
            objects={objects}
            object={object}
            action={a}
            queries={queries}
            onChange={(next) => onChange(actions.map((x) => (x === a ? next : x)))}
          />
        </Card>
      ))}
      <Select
        aria-label={t('auto.addAction')}
        placeholder={t('auto.addAction')}
        value={null}
        style={{ width: 220 }}
        options={(kinds ?? actionKindsFor(automation.trigger)).map((k) => ({ value: k, label: t(`auto.action.${k}` as MessageKey) }))}
        onChange={(k: AutomationActionKind) => add(k)}
      />
    </Space>
  );
}
