import { AuditOutlined, DownOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Dropdown, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { approvalQueries, type InstanceSummary, isOpen, useSubmitApproval, type WorkflowStart } from '../../api/approvals';
import { describeError } from '../../api/http';
import { useI18n } from '../../i18n/i18n';

/**
 * A record's approvals as its page needs them: the instances (newest first), the open one if any
 * (the record is locked meanwhile) and the fields the caller may still edit.
 */
export function useRecordApprovals(tenant: string, object: string, id: string | undefined) {
  const q = useQuery(approvalQueries.ofRecord(tenant, object, id ?? '', Boolean(id)));
  const items = q.data?.items ?? [];
  const open = items.find((i) => isOpen(i.status));
  // Returned to its submitter, the record is theirs to change before 重新提交 (the server allows it).
  const mineToChange = open?.status === 'returned' && open.can.resubmit;
  return { items, open, locked: Boolean(open) && !mineToChange, editable: open?.can.editable ?? [], loading: q.isLoading };
}

/** The workflows a 提交审批 button starts for an object (enabled, `start.button` not off). */
export function useStartableWorkflows(tenant: string, object: string): WorkflowStart[] {
  const q = useQuery(approvalQueries.workflows(tenant));
  return (q.data?.items ?? []).filter((w) => w.object === object && w.start?.button !== false);
}

/** 提交审批: one button per record, a menu when several workflows start from this object. */
export function SubmitApprovalButton({
  tenant,
  object,
  recordId,
  items,
  size,
}: {
  tenant: string;
  object: string;
  recordId: string;
  items: InstanceSummary[];
  size?: 'large' | 'middle';
}) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const workflows = useStartableWorkflows(tenant, object);
  const submit = useSubmitApproval(tenant, object, recordId);
  const [chosen, setChosen] = useState<WorkflowStart | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ comment?: string }>();
  if (!workflows.length || items.some((i) => isOpen(i.status))) return null;
  const first = workflows[0] as WorkflowStart;
  const open = (w: WorkflowStart) => {
    setError(null);
    setChosen(w);
  };
  async function send(v: { comment?: string }) {
    if (!chosen) return;
    setError(null);
    try {
      await submit.mutateAsync({ workflow: chosen.name, ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}) });
      message.success(t('approvals.submitted'));
      setChosen(null);
    } catch (e) {
      setError(describeError(e));
    }
  }
  return (
    <>
      {workflows.length === 1 ? (
        <Button icon={<AuditOutlined />} size={size} data-testid="submit-approval" onClick={() => open(first)}>
          {t('approvals.submit')}
        </Button>
      ) : (
        <Dropdown
          trigger={['click']}
          menu={{
            items: workflows.map((w) => ({ key: w.name, label: label(w.label, w.name) })),
            onClick: ({ key }) => open(workflows.find((w) => w.name === key) ?? first),
          }}
        >
          <Button icon={<AuditOutlined />} size={size} data-testid="submit-approval">
            {t('approvals.submit')} <DownOutlined />
          </Button>
        </Dropdown>
      )}
      {chosen && (
        <Modal
          open
          title={`${t('approvals.submit')} · ${label(chosen.label, chosen.name)}`}
          okText={t('approvals.submit')}
          okButtonProps={{ loading: submit.isPending, size: 'large', 'data-testid': 'submit-approval-confirm' } as never}
          cancelButtonProps={{ size: 'large' }}
          onOk={() => form.submit()}
          onCancel={() => setChosen(null)}
          destroyOnHidden
        >
          {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} data-testid="submit-approval-error" />}
          <Form form={form} layout="vertical" onFinish={send}>
            <Form.Item name="comment" label={t('approvals.comment')}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} placeholder={t('approvals.commentPlaceholder')} />
            </Form.Item>
          </Form>
        </Modal>
      )}
    </>
  );
}
