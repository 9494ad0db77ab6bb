import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Empty, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMetadata } from '../../api/metadata';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../use-designer';
import { freeWorkflowName, newDiagram, putWorkflow, workflowsOf } from './core';
import { useWf } from './messages';

const namePattern = /^[a-z][a-z0-9_]{0,62}$/;

function NewWorkflowModal({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useWf();
  const { t: appT, label, lang } = useI18n();
  const designer = useDesigner();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ label: string; name: string; object: string }>();
  const taken = new Set(workflowsOf(designer.doc).map((w) => w.name));
  return (
    <Modal open={open} title={t('new')} okText={appT('common.confirm')} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        name="new_workflow"
        initialValues={{ name: freeWorkflowName(designer.doc), object: designer.doc.objects[0]?.name }}
        onFinish={(v) => {
          designer.execute(
            putWorkflow(undefined, {
              name: v.name,
              label: { 'zh-CN': v.label },
              object: v.object,
              bpmn: newDiagram(v.name, lang),
              start: { button: true },
              enabled: true,
            }),
          );
          onClose();
          navigate(`/t/${designer.tenant}/design/workflows/${v.name}`);
        }}
      >
        <Form.Item name="label" label={t('label')} rules={[{ required: true, max: 200 }]}>
          <Input autoFocus />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('name')}
          extra="a-z 0-9 _"
          rules={[
            { required: true },
            { pattern: namePattern, message: '^[a-z][a-z0-9_]{0,62}$' },
            { validator: async (_, v) => (taken.has(v) ? Promise.reject(new Error(`"${v}" ✗`)) : undefined) },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="object" label={t('object')} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            options={designer.doc.objects.filter((o) => !o.archived).map((o) => ({ value: o.name, label: label(o.label, o.name) }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The draft's workflows: name, object, enabled (switched here), published or not; new and delete. */
export function WorkflowsPage() {
  const { t } = useWf();
  const { t: appT, label } = useI18n();
  const designer = useDesigner();
  const published = (useMetadata(designer.tenant).data?.metadata as { workflows?: { name: string }[] } | undefined)?.workflows ?? [];
  const [adding, setAdding] = useState(false);
  const list = workflowsOf(designer.doc);
  const objectLabel = (name: string) => {
    const o = designer.doc.objects.find((x) => x.name === name || x.id === name);
    return o ? label(o.label, o.name) : name;
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('new')}
        </Button>
      </Space>
      <Typography.Text type="secondary">{t('help')}</Typography.Text>
      {list.length === 0 ? (
        <Empty description={t('empty')} />
      ) : (
        <Table
          rowKey="name"
          pagination={false}
          data-testid="workflow-list"
          dataSource={[...list].sort((a, b) => a.object.localeCompare(b.object) || a.name.localeCompare(b.name))}
          columns={[
            {
              title: t('label'),
              key: 'label',
              render: (_, w) => <Link to={`/t/${designer.tenant}/design/workflows/${w.name}`}>{label(w.label, w.name)}</Link>,
            },
            { title: t('name'), key: 'name', render: (_, w) => <Typography.Text code>{w.name}</Typography.Text> },
            { title: t('object'), key: 'object', render: (_, w) => objectLabel(w.object) },
            {
              title: t('enabled'),
              key: 'enabled',
              render: (_, w) => (
                <Switch
                  aria-label={`${t('enabled')} ${w.name}`}
                  size="small"
                  checked={w.enabled !== false}
                  onChange={(on) => designer.execute(putWorkflow(w, { ...w, enabled: on }))}
                />
              ),
            },
            {
              title: t('state'),
              key: 'state',
              render: (_, w) => (published.some((p) => p.name === w.name) ? <Tag color="green">{t('published')}</Tag> : <Tag>{t('unpublished')}</Tag>),
            },
            {
              title: '',
              key: 'delete',
              render: (_, w) => (
                <Popconfirm title={t('removeConfirm')} onConfirm={() => designer.execute(putWorkflow(w, undefined))}>
                  <Button size="small" aria-label={`${appT('common.delete')} ${w.name}`} icon={<DeleteOutlined />} danger />
                </Popconfirm>
              ),
            },
          ]}
        />
      )}
      <NewWorkflowModal open={adding} onClose={() => setAdding(false)} />
    </Space>
  );
}
