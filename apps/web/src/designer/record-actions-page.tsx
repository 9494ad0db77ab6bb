import { CloudUploadOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  type AutomationActionInput,
  type AutomationActionKind,
  type RecordActionInput,
  type RecordActionInputFieldInput,
  type RecordActionInputType,
  type RecordActionStepInput,
  recordActionInputTypes,
  recordActionStepKinds,
} from '@tangram/metadata';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Empty, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { accessQueries } from '../api/access';
import { describeError } from '../api/http';
import { useMetadata, usePublish } from '../api/metadata';
import type { MessageKey } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { ActionsEditor } from './automation-actions';
import { zhText } from './automation-core';
import { type DesignDoc, draftFields, namedList, putNamed } from './designer-core';
import { LogicEditor } from './logic-editor';
import { useDesigner } from './use-designer';

// Record actions (buttons, docs/guides/record-actions.md) designed in the draft: who sees the
// button, when it shows, the confirmation, the small input form and the steps it runs.

const namePattern = /^[a-z][a-z0-9_]{0,62}$/;
const recordActionsOf = (doc: DesignDoc) => namedList<RecordActionInput>(doc, 'recordActions');
const putRecordAction = (before: RecordActionInput | undefined, after: RecordActionInput | undefined) =>
  putNamed('recordActions', 'recordAction.put', before, after);

function freeName(doc: DesignDoc): string {
  const used = new Set(recordActionsOf(doc).map((a) => a.name));
  for (let i = 1; ; i++) if (!used.has(`button_${i}`)) return `button_${i}`;
}

function NewButtonModal({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ label: string; name: string; object: string }>();
  const taken = new Set(recordActionsOf(designer.doc).map((a) => a.name));
  return (
    <Modal open={open} title={t('buttons.new')} okText={t('common.confirm')} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        name="new_button"
        initialValues={{ name: freeName(designer.doc), object: designer.doc.objects[0]?.name }}
        onFinish={(v) => {
          designer.execute(putRecordAction(undefined, { name: v.name, label: { 'zh-CN': v.label }, object: v.object, actions: [] }));
          onClose();
          navigate(`/t/${designer.tenant}/design/buttons/${v.name}`);
        }}
      >
        <Form.Item name="label" label={t('buttons.label')} rules={[{ required: true, max: 200 }]}>
          <Input autoFocus />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('auto.name')}
          extra="a-z 0-9 _"
          rules={[
            { required: true },
            { pattern: namePattern, message: '^[a-z][a-z0-9_]{0,62}$' },
            { validator: async (_, v) => (taken.has(v) ? Promise.reject(new Error(`"${v}" ✗`)) : undefined) },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="object" label={t('auto.object')} rules={[{ required: true }]}>
          <Select options={designer.doc.objects.filter((o) => !o.archived).map((o) => ({ value: o.name, label: label(o.label, o.name) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The draft's buttons by object; a button to design a new one. */
export function RecordActionsPage() {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const published = useMetadata(designer.tenant).data?.metadata.recordActions ?? [];
  const [adding, setAdding] = useState(false);
  const list = recordActionsOf(designer.doc);
  const objectLabel = (name: string) => {
    const o = designer.doc.objects.find((x) => x.name === name || x.id === name);
    return o ? label(o.label, o.name) : name;
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('buttons.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('buttons.new')}
        </Button>
      </Space>
      <Typography.Text type="secondary">{t('buttons.help')}</Typography.Text>
      {list.length === 0 ? (
        <Empty description={t('buttons.empty')} />
      ) : (
        <Table
          rowKey="name"
          pagination={false}
          dataSource={[...list].sort((a, b) => a.object.localeCompare(b.object))}
          columns={[
            {
              title: t('buttons.label'),
              key: 'label',
              render: (_, a) => <Link to={`/t/${designer.tenant}/design/buttons/${a.name}`}>{label(a.label, a.name)}</Link>,
            },
            { title: t('auto.object'), key: 'object', render: (_, a) => objectLabel(a.object) },
            { title: t('auto.actions'), key: 'actions', render: (_, a) => a.actions.length },
            {
              title: t('auto.state'),
              key: 'state',
              render: (_, a) =>
                published.some((p) => p.name === a.name) ? <Tag color="green">{t('buttons.published')}</Tag> : <Tag>{t('auto.unpublished')}</Tag>,
            },
          ]}
        />
      )}
      <NewButtonModal open={adding} onClose={() => setAdding(false)} />
    </Space>
  );
}

/** The input form's fields: each a name (`$input.<name>` in formulas), a label, a type, required. */
function InputFieldsEditor({ fields, onChange }: { fields: RecordActionInputFieldInput[]; onChange(next: RecordActionInputFieldInput[]): void }) {
  const { t } = useI18n();
  const set = (i: number, patch: Partial<RecordActionInputFieldInput>) => onChange(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const free = () => {
    const used = new Set(fields.map((f) => f.name));
    for (let i = 1; ; i++) if (!used.has(`input${i}`)) return `input${i}`;
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {fields.map((f, i) => (
        <Space key={f.name} wrap data-testid="button-input">
          <Input
            aria-label={t('buttons.inputLabel')}
            placeholder={t('buttons.inputLabel')}
            value={zhText(f.label)}
            onChange={(e) => set(i, { label: { 'zh-CN': e.target.value } })}
            style={{ width: 180 }}
          />
          <Select<RecordActionInputType>
            aria-label={t('buttons.inputType')}
            value={f.type}
            style={{ width: 120 }}
            options={recordActionInputTypes.filter((k) => k !== 'select').map((k) => ({ value: k, label: t(`buttons.type.${k}` as MessageKey) }))}
            onChange={(type) => set(i, { type })}
          />
          <Checkbox checked={f.required === true} onChange={(e) => set(i, { required: e.target.checked })}>
            {t('buttons.inputRequired')}
          </Checkbox>
          <Typography.Text code copyable>{`{"var": "$input.${f.name}"}`}</Typography.Text>
          <Button aria-label={t('common.delete')} icon={<DeleteOutlined />} onClick={() => onChange(fields.filter((_, j) => j !== i))} />
        </Space>
      ))}
      <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => onChange([...fields, { name: free(), label: { 'zh-CN': '' }, type: 'text' }])}>
        {t('buttons.addInput')}
      </Button>
    </Space>
  );
}

/** One button: label, who may use it, when it shows, the confirmation, the input form, the steps; publish. */
export function RecordActionEditor() {
  const { name } = useParams();
  const { t, label } = useI18n();
  const designer = useDesigner();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const publish = usePublish(designer.tenant);
  const roles = useQuery(accessQueries.roleNames(designer.tenant));
  const [publishError, setPublishError] = useState<string | null>(null);
  const a = recordActionsOf(designer.doc).find((x) => x.name === name);
  if (!a) return <Empty description={t('buttons.notFound')} />;
  const object = designer.doc.objects.find((o) => o.name === a.object || o.id === a.object);
  if (!object) return <Alert type="error" showIcon message={t('auto.objectMissing', { object: a.object })} />;
  const change = (next: RecordActionInput) => designer.execute(putRecordAction(a, next));
  const title = label(a.label, a.name);
  const publishNow = async () => {
    setPublishError(null);
    try {
      await designer.flush();
      await publish.mutateAsync(`${t('auto.publish')}：${title}`);
      message.success(t('auto.published'));
    } catch (e) {
      setPublishError(describeError(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="button-editor">
      <Card
        title={
          <Space>
            <Input
              aria-label={t('buttons.label')}
              value={zhText(a.label)}
              onChange={(e) => change({ ...a, label: { 'zh-CN': e.target.value } })}
              style={{ width: 260 }}
            />
            <Tag>{label(object.label, object.name)}</Tag>
          </Space>
        }
        extra={
          <Space>
            <Button icon={<CloudUploadOutlined />} loading={publish.isPending} onClick={publishNow}>
              {t('auto.publish')}
            </Button>
            <Popconfirm
              title={t('buttons.removeConfirm')}
              onConfirm={() => {
                designer.execute(putRecordAction(a, undefined));
                navigate(`/t/${designer.tenant}/design/buttons`);
              }}
            >
              <Button aria-label={t('common.delete')} icon={<DeleteOutlined />} danger />
            </Popconfirm>
          </Space>
        }
      >
        {publishError && <Alert type="error" showIcon message={publishError} style={{ marginBottom: 8 }} />}
        <Form layout="vertical">
          <Form.Item label={t('buttons.roles')} extra={t('buttons.rolesHint')}>
            <Select
              mode="multiple"
              aria-label={t('buttons.roles')}
              value={a.roles ?? []}
              placeholder={t('buttons.rolesAll')}
              options={(roles.data?.roles ?? []).map((r) => ({ value: r.name, label: label(r.label, r.name) }))}
              onChange={(next: string[]) => {
                const { roles: _, ...rest } = a;
                change(next.length ? { ...rest, roles: next } : rest);
              }}
            />
          </Form.Item>
          <Form.Item label={t('buttons.confirm')} extra={t('buttons.confirmHint')}>
            <Input
              aria-label={t('buttons.confirm')}
              value={zhText(a.confirm)}
              onChange={(e) => {
                const { confirm: _, ...rest } = a;
                change(e.target.value ? { ...rest, confirm: { 'zh-CN': e.target.value } } : rest);
              }}
            />
          </Form.Item>
        </Form>
      </Card>
      <Card size="small" title={t('buttons.showWhen')}>
        <LogicEditor
          tenant={designer.tenant}
          fields={draftFields(object)}
          logic={a.condition}
          onChange={(condition) => {
            const { condition: _, ...rest } = a;
            change(condition === undefined ? rest : { ...rest, condition });
          }}
        />
      </Card>
      <Card size="small" title={t('buttons.input')}>
        <InputFieldsEditor
          fields={a.input ?? []}
          onChange={(input) => {
            const { input: _, ...rest } = a;
            change(input.length ? { ...rest, input } : rest);
          }}
        />
      </Card>
      <Card size="small" title={t('buttons.steps')}>
        <ActionsEditor
          tenant={designer.tenant}
          objects={designer.doc.objects}
          object={object}
          automation={{ trigger: { kind: 'record.updated' }, actions: a.actions as AutomationActionInput[] }}
          kinds={[...recordActionStepKinds] as AutomationActionKind[]}
          queries={false}
          onChange={(actions) => change({ ...a, actions: actions as RecordActionStepInput[] })}
        />
      </Card>
    </Space>
  );
}
