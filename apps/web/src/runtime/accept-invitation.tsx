import { App, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { ApiError, describeError } from '../api/http';
import { useAcceptInvitation } from '../api/session';
import { useI18n } from '../i18n/i18n';

/** The signed-in user enters an invitation code a tenant admin gave them and joins that tenant. */
export function AcceptInvitationModal({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const accept = useAcceptInvitation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ code: string }>();
  const [saving, setSaving] = useState(false);
  async function submit(v: { code: string }) {
    setSaving(true);
    try {
      // The session lists the user's tenants (the launcher and tenant pages read it), so it is fetched again.
      const accepted = await accept.mutateAsync(v.code.trim());
      message.success(t('invitation.joined', { name: accepted.tenant.name }));
      onClose();
    } catch (e) {
      // A wrong, used, expired or someone else's code is one answer: not found.
      const text = e instanceof ApiError && e.code === 'RECORD_NOT_FOUND' ? t('invitation.invalid') : describeError(e);
      form.setFields([{ name: 'code', errors: [text] }]);
    } finally {
      setSaving(false);
    }
  }
  return (
    <Modal open title={t('invitation.join')} okText={t('common.confirm')} confirmLoading={saving} onCancel={onClose} onOk={() => form.submit()} destroyOnClose>
      <Form form={form} layout="vertical" name="accept_invitation" onFinish={submit}>
        <Form.Item name="code" label={t('invitation.code')} extra={t('invitation.hint')} rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input autoFocus autoComplete="off" spellCheck={false} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
