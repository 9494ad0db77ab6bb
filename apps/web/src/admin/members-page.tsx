import { UserAddOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { accessQueries, type RoleDoc, useSetRoles } from '../api/access';
import { ApiError, describeError } from '../api/http';
import { orgQueries, type OrgMember, useAddMember } from '../api/org';
import { useSession } from '../api/session';
import { useI18n } from '../i18n/i18n';
import { AdminOnly } from './admin-only';
import { useIsTenantAdmin, useTenant } from '../runtime/tenant-shell';

type MemberRow = OrgMember;

const pageSize = 20;

type AddForm = { email: string; name: string; password?: string; tenantRole: 'admin' | 'member'; roles: string[] };

/** What a tenant admin hands the invitee: the code, once, and what the invitee must do with it. */
function Invited({ email, code }: { email: string; code: string }) {
  const { t } = useI18n();
  return (
    <div data-testid="invitation">
      <Alert type="success" showIcon message={t('members.invited', { email })} style={{ marginBottom: 12 }} />
      <Typography.Paragraph>{t('members.invitedHint')}</Typography.Paragraph>
      <Typography.Text type="secondary">{t('members.invitationCode')}</Typography.Text>
      <Typography.Paragraph copyable={{ text: code }} code data-testid="invitation-code" style={{ fontSize: 16, marginTop: 4 }}>
        {code}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('members.invitedValidity')}</Typography.Paragraph>
    </div>
  );
}

function AddMemberModal({ roles, onClose }: { roles: RoleDoc[]; onClose(): void }) {
  const tenant = useTenant();
  const { t, label } = useI18n();
  const add = useAddMember(tenant);
  const assign = useSetRoles(tenant);
  const { message } = App.useApp();
  // A tenant admin invites (the answer has no id to give roles to); only a platform admin adds, and may give roles at once.
  const addsDirectly = useSession().data?.user.platformAdmin === true;
  const [form] = Form.useForm<AddForm>();
  const [saving, setSaving] = useState(false);
  const [invited, setInvited] = useState<{ email: string; code: string } | null>(null);
  async function submit(v: AddForm) {
    setSaving(true);
    try {
      const added = await add.mutateAsync({ email: v.email.trim(), name: v.name.trim(), password: v.password || undefined, role: v.tenantRole });
      if (added.status === 'invited' && added.invitationCode) {
        // Not a member yet: not listed, no roles, until they accept with the code.
        setInvited({ email: added.user.email, code: added.invitationCode });
        return;
      }
      if (v.roles?.length && added.user.id) await assign.mutateAsync({ userId: added.user.id, roles: v.roles });
      message.success(t('members.added', { name: v.name }));
      onClose();
    } catch (e) {
      const field = e instanceof ApiError ? e.problems[0]?.field : undefined;
      if (field === 'email' || field === 'password' || field === 'name') form.setFields([{ name: field, errors: [describeError(e)] }]);
      else message.error(describeError(e));
    } finally {
      setSaving(false);
    }
  }
  if (invited)
    return (
      <Modal
        open
        title={t('members.add')}
        onCancel={onClose}
        footer={
          <Button type="primary" onClick={onClose}>
            {t('common.close')}
          </Button>
        }
      >
        <Invited email={invited.email} code={invited.code} />
      </Modal>
    );
  return (
    <Modal open title={t('members.add')} okText={t('common.confirm')} confirmLoading={saving} onCancel={onClose} onOk={() => form.submit()} destroyOnClose>
      <Form form={form} layout="vertical" name="add_member" initialValues={{ tenantRole: 'member', roles: [] }} onFinish={submit}>
        <Form.Item name="email" label={t('auth.email')} rules={[{ required: true, type: 'email', max: 254 }]}>
          <Input autoFocus autoComplete="off" />
        </Form.Item>
        <Form.Item name="name" label={t('members.name')} rules={[{ required: true, max: 100 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="password" label={t('members.initialPassword')} extra={t('members.passwordHint')} rules={[{ min: 8, max: 200 }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="tenantRole" label={t('members.tenantRole')}>
          <Select
            options={[
              { value: 'member', label: t('members.member') },
              { value: 'admin', label: t('members.admin') },
            ]}
          />
        </Form.Item>
        {addsDirectly && (
          <Form.Item name="roles" label={t('members.roles')}>
            <Select mode="multiple" allowClear options={roles.map((r) => ({ value: r.name, label: label(r.label, r.name) }))} optionFilterProp="label" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** Members of the tenant: search, add, and the app roles each holds (tenant admins). */
export default function MembersPage() {
  const tenant = useTenant();
  if (!useIsTenantAdmin(tenant)) return <AdminOnly />;
  return <MembersPageBody tenant={tenant} />;
}

function MembersPageBody({ tenant }: { tenant: string }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const assign = useSetRoles(tenant);
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const members = useQuery(orgQueries.membersPage(tenant, q, page, pageSize));
  const roles = useQuery(accessQueries.roles(tenant));
  const roleLabel = (name: string) => label(roles.data?.roles.find((r) => r.name === name)?.label, name);

  async function setRoles(m: MemberRow, next: string[]) {
    try {
      await assign.mutateAsync({ userId: m.id, roles: next });
      message.success(t('members.rolesSaved', { name: m.name }));
    } catch (e) {
      message.error(describeError(e));
    }
  }

  return (
    <div>
      <Typography.Title level={3}>{t('members.title')}</Typography.Title>
      <Space style={{ marginBottom: 12 }} wrap>
        <Input.Search
          aria-label={t('members.search')}
          placeholder={t('members.search')}
          allowClear
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          style={{ width: 280 }}
        />
        <Button type="primary" icon={<UserAddOutlined />} onClick={() => setAdding(true)}>
          {t('members.add')}
        </Button>
      </Space>
      <Table<MemberRow>
        rowKey="id"
        loading={members.isFetching}
        dataSource={members.data?.members ?? []}
        pagination={{ current: page, pageSize, total: members.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        scroll={{ x: 720 }}
        columns={[
          { key: 'name', title: t('members.name'), dataIndex: 'name' },
          { key: 'email', title: t('auth.email'), dataIndex: 'email' },
          { key: 'position', title: t('members.position'), dataIndex: 'position' },
          {
            key: 'tenantRole',
            title: t('members.tenantRole'),
            render: (_, m) => (m.tenantRole === 'admin' ? <Tag color="gold">{t('members.admin')}</Tag> : <Tag>{t('members.member')}</Tag>),
          },
          {
            key: 'roles',
            title: t('members.roles'),
            width: 360,
            render: (_, m) =>
              m.tenantRole === 'admin' ? (
                <Typography.Text type="secondary">{t('members.adminAll')}</Typography.Text>
              ) : (
                <Select
                  mode="multiple"
                  aria-label={`${t('members.roles')} ${m.name}`}
                  data-testid={`roles-${m.email ?? m.id}`}
                  style={{ width: '100%' }}
                  value={m.roles}
                  placeholder={t('members.noRoles')}
                  optionFilterProp="label"
                  onChange={(next: string[]) => setRoles(m, next)}
                  options={(roles.data?.roles ?? []).map((r) => ({ value: r.name, label: label(r.label, r.name) }))}
                  tagRender={({ value, closable, onClose }) => (
                    <Tag closable={closable} onClose={onClose} color="blue" style={{ marginInlineEnd: 4 }}>
                      {roleLabel(String(value))}
                    </Tag>
                  )}
                />
              ),
          },
        ]}
      />
      {adding && <AddMemberModal roles={roles.data?.roles ?? []} onClose={() => setAdding(false)} />}
    </div>
  );
}
