import { Alert, App, Form, Input, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { type ActionBody, type ActionKind, type Instance, useApprovalAction } from '../../api/approvals';
import { ApiError, describeError } from '../../api/http';
import { useSession } from '../../api/session';
import { useI18n } from '../../i18n/i18n';
import { approvalErrorText } from './labels';
import { UserSelect } from './user-select';

interface Values {
  comment?: string;
  to?: string;
  signer?: string;
  position?: 'before' | 'after';
  users?: string[];
}

/**
 * One approval action with its comment box and what else the action needs: the step to return to
 * (退回), a signer and where (加签), a member (转交), members (抄送). Errors stay in the dialog.
 */
export function ActionDialog({
  tenant,
  instance,
  kind,
  onClose,
  values,
}: {
  tenant: string;
  instance: Instance;
  kind: ActionKind;
  onClose: () => void;
  /** Record fields changed on the form that this step lets the approver edit: sent with 同意 (same transaction). */
  values?: () => Record<string, unknown> | undefined;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const me = useSession().data?.user.id;
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const act = useApprovalAction(tenant, instance.id, instance.object);
  const action = t(`approvals.action.${kind}`);
  const steps = instance.can.returnTo;

  async function submit(v: Values) {
    setError(null);
    const body: ActionBody = { kind };
    if (instance.can.myTask && ['approve', 'reject', 'return', 'addSigner', 'transfer', 'resubmit'].includes(kind)) body.task = instance.can.myTask;
    const comment = v.comment?.trim();
    if (comment) body.comment = comment;
    if (kind === 'return') body.to = v.to;
    if (kind === 'transfer') body.to = v.to;
    if (kind === 'addSigner') Object.assign(body, { signer: v.signer, position: v.position ?? 'after' });
    if (kind === 'cc') body.users = v.users;
    if (kind === 'approve') {
      const changed = values?.();
      if (changed && Object.keys(changed).length) body.values = changed;
    }
    try {
      await act.mutateAsync(body);
      message.success(t('approvals.actionDone', { action }));
      onClose();
    } catch (e) {
      setError(e instanceof ApiError ? approvalErrorText(t, e.rawCode, describeError(e)) : describeError(e));
    }
  }

  const required = [{ required: true, message: t('approvals.pickRequired') }];
  return (
    <Modal
      open
      title={action}
      okText={action}
      okButtonProps={{ danger: kind === 'reject', loading: act.isPending, size: 'large', 'data-testid': 'approval-action-confirm' } as never}
      cancelButtonProps={{ size: 'large' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      data-testid="approval-action-dialog"
    >
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} data-testid="approval-action-error" />}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ position: 'after' }}>
        {kind === 'return' && (
          <Form.Item name="to" label={t('approvals.returnTo')} rules={required}>
            <Select size="large" options={steps.map((s) => ({ value: s.node, label: s.name || s.node }))} />
          </Form.Item>
        )}
        {kind === 'addSigner' && (
          <>
            <Form.Item name="signer" label={t('approvals.signer')} rules={required}>
              <UserSelect tenant={tenant} exclude={me ? [me] : []} />
            </Form.Item>
            <Form.Item name="position" label={t('approvals.position')}>
              <Radio.Group
                optionType="button"
                size="large"
                options={[
                  { value: 'before', label: t('approvals.before') },
                  { value: 'after', label: t('approvals.after') },
                ]}
              />
            </Form.Item>
          </>
        )}
        {kind === 'transfer' && (
          <Form.Item name="to" label={t('approvals.transferTo')} rules={required}>
            <UserSelect tenant={tenant} exclude={me ? [me] : []} />
          </Form.Item>
        )}
        {kind === 'cc' && (
          <Form.Item name="users" label={t('approvals.ccUsers')} rules={required}>
            <UserSelect tenant={tenant} multiple />
          </Form.Item>
        )}
        <Form.Item
          name="comment"
          label={t('approvals.comment')}
          rules={kind === 'comment' ? [{ required: true, whitespace: true, message: t('approvals.commentRequired') }] : []}
        >
          <Input.TextArea
            autoSize={{ minRows: 3, maxRows: 8 }}
            maxLength={2000}
            placeholder={kind === 'comment' ? undefined : t('approvals.commentPlaceholder')}
            aria-label={t('approvals.comment')}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
