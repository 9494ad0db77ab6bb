import { PlusOutlined } from '@ant-design/icons';
import { type AutomationTriggerKind, automationTriggerKinds } from '@tangram/metadata';
import { fieldTypes } from '@tangram/fields';
import { Button, Empty, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMetadata } from '../api/metadata';
import { useSession } from '../api/session';
import type { MessageKey } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { automationsOf, freeAutomationName, newTrigger, putAutomation } from './automation-core';
import { draftFields } from './designer-core';
import { useDesigner } from './use-designer';

const namePattern = /^[a-z][a-z0-9_]{0,62}$/;

function NewAutomationModal({ open, onClose, object }: { open: boolean; onClose(): void; object?: string }) {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const navigate = useNavigate();
  const me = useSession().data?.user.id;
  const [form] = Form.useForm<{ label: string; name: string; object: string; trigger: AutomationTriggerKind }>();
  const taken = new Set(automationsOf(designer.doc).map((a) => a.name));
  return (
    <Modal open={open} title={t('auto.new')} okText={t('common.confirm')} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        name="new_automation"
        initialValues={{ name: freeAutomationName(designer.doc), object: object ?? designer.doc.objects[0]?.name, trigger: 'record.created' }}
        onFinish={(v) => {
          const o = designer.doc.objects.find((x) => x.name === v.object);
          const fields = o ? draftFields(o).map((f) => ({ name: f.name, temporal: !!fieldTypes[f.type]?.temporal })) : [];
          designer.execute(
            putAutomation(undefined, {
              name: v.name,
              label: { 'zh-CN': v.label },
              object: v.object,
              enabled: false,
              trigger: newTrigger(v.trigger, fields),
              actions: [],
              ...(me ? { owner: me } : {}),
            }),
          );
          onClose();
          navigate(`/t/${designer.tenant}/design/automations/${v.name}`);
        }}
      >
        <Form.Item name="label" label={t('auto.label')} rules={[{ required: true, max: 200 }]}>
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
        <Form.Item name="trigger" label={t('auto.triggerKind')} rules={[{ required: true }]}>
          <Select options={automationTriggerKinds.map((k) => ({ value: k, label: t(`auto.trigger.${k}` as MessageKey) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The draft's automations by object, with whether each is enabled and published; a button to design a new one. */
export function AutomationsPage() {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const published = useMetadata(designer.tenant).data?.metadata.automations ?? [];
  const [adding, setAdding] = useState(false);
  const list = automationsOf(designer.doc);
  const objectLabel = (name: string) => {
    const o = designer.doc.objects.find((x) => x.name === name || x.id === name);
    return o ? label(o.label, o.name) : name;
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('auto.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('auto.new')}
        </Button>
      </Space>
      {list.length === 0 ? (
        <Empty description={t('auto.empty')} />
      ) : (
        <Table
          rowKey="name"
          pagination={false}
          dataSource={[...list].sort((a, b) => a.object.localeCompare(b.object))}
          columns={[
            {
              title: t('auto.label'),
              key: 'label',
              render: (_, a) => <Link to={`/t/${designer.tenant}/design/automations/${a.name}`}>{label(a.label, a.name)}</Link>,
            },
            { title: t('auto.object'), key: 'object', render: (_, a) => objectLabel(a.object) },
            { title: t('auto.triggerKind'), key: 'trigger', render: (_, a) => t(`auto.trigger.${a.trigger.kind}` as MessageKey) },
            { title: t('auto.actions'), key: 'actions', render: (_, a) => a.actions.length },
            {
              title: t('auto.state'),
              key: 'state',
              render: (_, a) => {
                const live = published.find((p) => p.name === a.name);
                if (!live) return <Tag>{t('auto.unpublished')}</Tag>;
                return live.enabled ? <Tag color="green">{t('auto.enabled')}</Tag> : <Tag>{t('auto.disabled')}</Tag>;
              },
            },
          ]}
        />
      )}
      <NewAutomationModal open={adding} onClose={() => setAdding(false)} />
    </Space>
  );
}
