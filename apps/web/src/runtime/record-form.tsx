import type { Field, ObjectDef } from '@tangram/metadata';
import { Alert, Col, Divider, Form, type FormInstance, Row, Space, Tabs } from 'antd';
import { type ReactNode, useMemo } from 'react';
import { ApiError } from '../api/http';
import { useI18n } from '../i18n/i18n';
import { type FormLayout, type FormSection, fieldsByName } from '../layout/form-layout';
import { FieldDisplay, FieldEditor, isComputed, widgetOf } from '../widgets/registry';
import { type DetailRelation, DetailTable, type LineProblem } from './detail-table';
import { fieldState } from './form-rules';

export interface RecordFormProps {
  tenant: string;
  object: ObjectDef;
  layout: FormLayout;
  form: FormInstance;
  initialValues: Record<string, unknown>;
  editing: boolean;
  onValuesChange?: () => void;
  onFinish?: (values: Record<string, unknown>) => void;
  footer?: ReactNode;
  /** Master-detail relations shown as sub-tables after the layout (values under `$details.<key>`). */
  details?: { relations: DetailRelation[]; problems: LineProblem[] };
  /** The member's access per field (`read`: shown, not editable); fields they may not see are already left out of the object. */
  fieldAccess?: Record<string, 'edit' | 'read' | 'hidden'>;
}

/** Puts server problems on their fields; returns the messages that belong to no field on the form. */
export function showServerErrors(form: FormInstance, object: ObjectDef, e: unknown, lang: 'zh-CN' | 'en'): string[] {
  if (!(e instanceof ApiError)) return [e instanceof Error ? e.message : String(e)];
  const rest: string[] = [];
  const fieldErrors = new Map<string, string[]>();
  const onForm = new Set(Object.keys(form.getFieldsValue()));
  const problems = e.problems.length
    ? e.problems
    : [{ code: e.code, field: e.details.field as string | undefined, path: e.details.path as string | undefined, message: e.message }];
  for (const p of problems) {
    const key = p.field ?? p.path?.replace(/^\/(body\/)?/, '').split('/')[0];
    const f = object.fields.find((x) => x.name === key || x.id === key);
    const messages = (p as { messages?: Record<string, string> }).messages;
    const text = messages?.[lang] ?? p.message;
    if (f && onForm.has(f.name)) fieldErrors.set(f.name, [...(fieldErrors.get(f.name) ?? []), text]);
    else if (f) rest.push(`${f.name}: ${text}`);
    else rest.push(text);
  }
  form.setFields([...fieldErrors].map(([name, errors]) => ({ name, errors })));
  return rest;
}

function SectionFields(p: RecordFormProps & { section: FormSection; fields: Map<string, Field>; values: Record<string, unknown> }) {
  const { label, t } = useI18n();
  const rules = p.layout.rules ?? {};
  const span = 24 / p.section.columns;
  return (
    <Row gutter={16}>
      {p.section.fields.map((name) => {
        const f = p.fields.get(name);
        if (!f) return null;
        const s = fieldState(rules[name], p.values, { required: f.required, readOnly: isComputed(f) || p.fieldAccess?.[name] === 'read' });
        if (!s.visible) return null;
        const wide = widgetOf(f).block === true;
        return (
          <Col key={name} xs={24} md={wide ? 24 : span} data-field={name}>
            <Form.Item
              name={name}
              label={label(f.label, f.name)}
              tooltip={f.description ? label(f.description) : undefined}
              rules={p.editing && s.required && !s.readOnly ? [{ required: true, message: `${label(f.label, f.name)} ${t('designer.required')}` }] : []}
              required={s.required}
            >
              {p.editing && !s.readOnly ? <FieldEditor field={f} tenant={p.tenant} /> : <ReadOnlyValue field={f} tenant={p.tenant} />}
            </Form.Item>
          </Col>
        );
      })}
    </Row>
  );
}

function ReadOnlyValue({ field, tenant, value, id }: { field: Field; tenant: string; value?: unknown; id?: string }) {
  return (
    <div id={id} style={{ minHeight: 32, paddingTop: 5 }}>
      <FieldDisplay field={field} tenant={tenant} value={value} />
    </div>
  );
}

/** A record form laid out by its form layout (tabs → sections → columns), with live rules. */
export function RecordForm(p: RecordFormProps) {
  const { label } = useI18n();
  const fields = useMemo(() => fieldsByName(p.object), [p.object]);
  const watched = Form.useWatch([], p.form) as Record<string, unknown> | undefined;
  const values = { ...p.initialValues, ...(watched ?? {}) };
  const sections = (tab: FormLayout['tabs'][number]) =>
    tab.sections.map((s, i) => (
      <div key={s.id}>
        {(s.title || i > 0) && <Divider orientation="left">{label(s.title, '')}</Divider>}
        <SectionFields {...p} section={s} fields={fields} values={values} />
      </div>
    ));
  return (
    <Form
      form={p.form}
      layout="vertical"
      name={`record_${p.object.name}`}
      initialValues={p.initialValues}
      onValuesChange={p.onValuesChange}
      onFinish={p.onFinish}
      scrollToFirstError
    >
      {p.layout.tabs.length > 1 ? (
        <Tabs items={p.layout.tabs.map((tab) => ({ key: tab.id, label: label(tab.title, tab.id), children: sections(tab), forceRender: true }))} />
      ) : (
        p.layout.tabs[0] && sections(p.layout.tabs[0])
      )}
      {p.details?.relations.map((r) => (
        <div key={r.key}>
          <Divider orientation="left">{label(r.object.pluralLabel, r.object.name)}</Divider>
          <Form.Item name={['$details', r.key]} noStyle>
            <DetailTable tenant={p.tenant} relation={r} editing={p.editing} problems={p.details?.problems} />
          </Form.Item>
        </div>
      ))}
      {p.footer}
    </Form>
  );
}

export function FormErrors({ messages }: { messages: string[] }) {
  return messages.length ? <Alert type="error" showIcon role="alert" message={messages.join('; ')} style={{ marginBottom: 12 }} /> : null;
}

export function FormButtons({ children }: { children: ReactNode }) {
  return (
    <Space style={{ marginTop: 8 }} wrap>
      {children}
    </Space>
  );
}
