import { fieldTypes } from '@tangram/fields';
import { type AutomationTriggerInput, type AutomationTriggerKind, type Field, automationTimings, automationTriggerKinds, timeUnits } from '@tangram/metadata';
import { Form, Input, InputNumber, Select, Space } from 'antd';
import type { MessageKey } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { FieldEditor } from '../widgets/registry';
import { isRecordTrigger, newTrigger } from './automation-core';

const temporal = (f: Field) => !!fieldTypes[f.type]?.temporal;

/** When an automation looks: the trigger's kind and what that kind needs (fields, from → to, cron, a date and offset, days). */
export function TriggerEditor({
  tenant,
  fields,
  trigger,
  onChange,
}: {
  tenant: string;
  fields: Field[];
  trigger: AutomationTriggerInput;
  onChange(next: AutomationTriggerInput): void;
}) {
  const { t, label } = useI18n();
  const set = (patch: Partial<AutomationTriggerInput>) => onChange({ ...trigger, ...patch });
  const drop = (key: keyof AutomationTriggerInput) => {
    const { [key]: _, ...rest } = trigger;
    onChange(rest as AutomationTriggerInput);
  };
  const options = (list: Field[]) => list.map((f) => ({ value: f.name, label: label(f.label, f.name) }));
  const watched = fields.find((f) => f.name === trigger.fields?.[0]);
  return (
    <Form layout="vertical" component="div">
      <Form.Item label={t('auto.triggerKind')}>
        <Select
          aria-label={t('auto.triggerKind')}
          value={trigger.kind}
          onChange={(kind: AutomationTriggerKind) =>
            onChange(
              newTrigger(
                kind,
                fields.map((f) => ({ name: f.name, temporal: temporal(f) })),
              ),
            )
          }
          options={automationTriggerKinds.map((k) => ({ value: k, label: t(`auto.trigger.${k}` as MessageKey) }))}
        />
      </Form.Item>
      {trigger.kind === 'field.changed' && (
        <>
          <Form.Item label={t('auto.watchedFields')}>
            <Select
              aria-label={t('auto.watchedFields')}
              mode="multiple"
              value={trigger.fields ?? []}
              onChange={(v: string[]) => set({ fields: v })}
              options={options(fields)}
            />
          </Form.Item>
          {watched && (
            <Space wrap align="start">
              {(['from', 'to'] as const).map((key) => (
                <Form.Item key={key} label={t(`auto.${key}` as MessageKey)}>
                  <fieldset style={{ width: 220, border: 0, margin: 0, padding: 0 }} aria-label={t(`auto.${key}` as MessageKey)}>
                    <label htmlFor={`trigger-${key}`} className="tg-sr-only">
                      {t(`auto.${key}` as MessageKey)}
                    </label>
                    <FieldEditor
                      field={watched}
                      tenant={tenant}
                      value={trigger[key] ?? null}
                      onChange={(v) => (v === null || v === undefined || v === '' ? drop(key) : set({ [key]: v }))}
                      id={`trigger-${key}`}
                    />
                  </fieldset>
                </Form.Item>
              ))}
            </Space>
          )}
        </>
      )}
      {trigger.kind === 'schedule' && (
        <Space wrap>
          <Form.Item label={t('auto.cron')} extra={t('auto.cronHelp')}>
            <Input aria-label={t('auto.cron')} value={trigger.cron} onChange={(e) => set({ cron: e.target.value })} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label={t('auto.timeZone')}>
            <Input aria-label={t('auto.timeZone')} value={trigger.timeZone} onChange={(e) => set({ timeZone: e.target.value })} style={{ width: 200 }} />
          </Form.Item>
        </Space>
      )}
      {trigger.kind === 'date.relative' && (
        <Space wrap>
          <Form.Item label={t('auto.dateField')}>
            <Select
              aria-label={t('auto.dateField')}
              value={trigger.field}
              onChange={(field: string) => set({ field })}
              options={options(fields.filter(temporal))}
              style={{ width: 180 }}
            />
          </Form.Item>
          <Form.Item label={t('auto.offset')}>
            <Space>
              <InputNumber
                aria-label={t('auto.offset')}
                min={0}
                value={trigger.offset?.amount}
                onChange={(amount) => set({ offset: { amount: amount ?? 0, unit: trigger.offset?.unit ?? 'days' } })}
              />
              <Select
                aria-label={t('auto.unit')}
                value={trigger.offset?.unit ?? 'days'}
                onChange={(unit) => set({ offset: { amount: trigger.offset?.amount ?? 0, unit } })}
                options={timeUnits.map((u) => ({ value: u, label: t(`auto.unit.${u}` as MessageKey) }))}
                style={{ width: 100 }}
              />
              <Select
                aria-label={t('auto.direction')}
                value={trigger.direction ?? 'before'}
                onChange={(direction: 'before' | 'after') => set({ direction })}
                options={[
                  { value: 'before', label: t('auto.before') },
                  { value: 'after', label: t('auto.after') },
                ]}
                style={{ width: 100 }}
              />
            </Space>
          </Form.Item>
        </Space>
      )}
      {trigger.kind === 'inactivity' && (
        <Space wrap>
          <Form.Item label={t('auto.activityFields')}>
            <Select
              aria-label={t('auto.activityFields')}
              mode="multiple"
              value={trigger.fields ?? []}
              onChange={(v: string[]) => set({ fields: v })}
              options={options(fields.filter(temporal))}
              style={{ minWidth: 220 }}
            />
          </Form.Item>
          <Form.Item label={t('auto.days')}>
            <InputNumber aria-label={t('auto.days')} min={1} value={trigger.days} onChange={(days) => set({ days: days ?? 1 })} />
          </Form.Item>
        </Space>
      )}
      {isRecordTrigger(trigger.kind) && (
        <Form.Item label={t('auto.timing')}>
          <Select
            aria-label={t('auto.timing')}
            value={trigger.timing ?? 'afterCommit'}
            onChange={(timing) => set({ timing })}
            options={automationTimings.map((k) => ({ value: k, label: t(`auto.timing.${k}` as MessageKey) }))}
            style={{ width: 220 }}
          />
        </Form.Item>
      )}
    </Form>
  );
}
