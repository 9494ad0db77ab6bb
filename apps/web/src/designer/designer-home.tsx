import { FormOutlined, PlusOutlined, ShopOutlined, TableOutlined } from '@ant-design/icons';
import type { ObjectInput } from '@tangram/metadata';
import { Button, Card, Col, Empty, Form, Input, Modal, Row, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { layoutObjectName } from '../api/metadata';
import { useI18n } from '../i18n/i18n';
import { commands } from './designer-core';
import { useDesigner } from './use-designer';

const namePattern = /^[a-z][a-z0-9_]{0,62}$/;

function NewObjectModal({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useI18n();
  const designer = useDesigner();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ label: string; name: string }>();
  const taken = new Set(designer.doc.objects.map((o) => o.name));
  return (
    <Modal open={open} title={t('designer.newObject')} okText={t('common.confirm')} onCancel={onClose} onOk={() => form.submit()} destroyOnClose>
      <Form
        form={form}
        layout="vertical"
        name="new_object"
        onFinish={(v) => {
          const object: ObjectInput = { name: v.name, label: { 'zh-CN': v.label, en: v.name }, fields: [] };
          designer.execute(commands['object.add'](object));
          onClose();
          navigate(`/t/${designer.tenant}/design/objects/${v.name}`);
        }}
      >
        <Form.Item name="label" label={t('designer.objectLabel')} rules={[{ required: true, max: 200 }]}>
          <Input autoFocus />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('designer.objectName')}
          extra="a-z 0-9 _"
          rules={[
            { required: true },
            { pattern: namePattern, message: '^[a-z][a-z0-9_]{0,62}$' },
            { validator: async (_, v) => (taken.has(v) ? Promise.reject(new Error(`"${v}" ✗`)) : undefined) },
          ]}
        >
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The objects of the draft, and a button to add one. */
export function DesignerHome() {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const navigate = useNavigate();
  const [adding, setAdding] = useState(false);
  const objects = designer.doc.objects.filter((o) => o.name !== layoutObjectName && !o.archived);
  return (
    <div>
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('designer.newObject')}
        </Button>
      </Space>
      {objects.length === 0 ? (
        <Empty description={t('designer.emptyTenant')}>
          <Button icon={<ShopOutlined />} onClick={() => navigate(`/t/${designer.tenant}/market`)}>
            {t('nav.market')}
          </Button>
        </Empty>
      ) : (
        <Row gutter={[16, 16]}>
          {objects.map((o) => (
            <Col xs={24} sm={12} lg={8} key={o.name}>
              <Card
                data-testid={`object-card-${o.name}`}
                title={label(o.label, o.name)}
                extra={<Tag>{o.name}</Tag>}
                actions={[
                  <Button key="fields" type="link" icon={<TableOutlined />} onClick={() => navigate(`/t/${designer.tenant}/design/objects/${o.name}`)}>
                    {t('designer.fields')}
                  </Button>,
                  <Button key="form" type="link" icon={<FormOutlined />} onClick={() => navigate(`/t/${designer.tenant}/design/forms/${o.name}`)}>
                    {t('designer.form')}
                  </Button>,
                ]}
              >
                <Typography.Text type="secondary">
                  {o.fields.filter((f) => !f.archived).length} {t('designer.fields')}
                </Typography.Text>
              </Card>
            </Col>
          ))}
        </Row>
      )}
      <NewObjectModal open={adding} onClose={() => setAdding(false)} />
    </div>
  );
}
