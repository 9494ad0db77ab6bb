import { Tag } from 'antd';
import type { WfHistoryEntry, WfUser } from '../../api/approvals';
import type { MessageKey } from '../../i18n/dictionary';
import { useI18n } from '../../i18n/i18n';
import { MemberName } from '../../widgets/people-pickers';

type T = ReturnType<typeof useI18n>['t'];

const statusColors: Record<string, string> = {
  running: 'processing',
  open: 'processing',
  returned: 'warning',
  approved: 'success',
  rejected: 'error',
  withdrawn: 'default',
  cancelled: 'default',
};

const statusKeys: Record<string, MessageKey> = {
  running: 'approvals.status.running',
  returned: 'approvals.status.returned',
  approved: 'approvals.status.approved',
  rejected: 'approvals.status.rejected',
  withdrawn: 'approvals.status.withdrawn',
  open: 'approvals.status.open',
  waiting: 'approvals.status.waiting',
  cancelled: 'approvals.status.cancelled',
  transferred: 'approvals.status.transferred',
};

/** An instance's or a task's status as a coloured tag (an unknown one as the server named it). */
export function StatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  const key = statusKeys[status];
  return (
    <Tag color={statusColors[status] ?? 'default'} data-testid="approval-status" data-status={status} style={{ marginInlineEnd: 0 }}>
      {key ? t(key) : status}
    </Tag>
  );
}

const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who or what an entry's `to` names: a step (退回), a person (转交, 加签) or people (抄送), by name. */
function Target({ tenant, to, steps }: { tenant: string; to: WfHistoryEntry['to']; steps: Map<string, string> }) {
  if (!to) return null;
  const list: (string | WfUser)[] = Array.isArray(to) ? to : typeof to === 'object' ? [to] : to.split(',');
  return (
    <>
      {list.map((x, i) => (
        <span key={typeof x === 'string' ? x : x.id}>
          {i > 0 && '、'}
          {typeof x === 'object' ? x.name : steps.has(x) ? steps.get(x) : uuidLike.test(x) ? <MemberName tenant={tenant} id={x} /> : x}
        </span>
      ))}
    </>
  );
}

/** The message key (and its `{action}`) of a history entry's `what`; null for one this app does not know. */
function entryKey(t: T, e: WfHistoryEntry): { key: MessageKey; vars?: Record<string, string> } | null {
  const decision = Boolean(e.task || e.node);
  const known: Record<string, MessageKey> = {
    submitted: 'approvals.what.submitted',
    resubmitted: 'approvals.what.resubmitted',
    approved: decision ? 'approvals.what.approved' : 'approvals.what.outcomeApproved',
    rejected: decision ? 'approvals.what.rejected' : 'approvals.what.outcomeRejected',
    withdrawn: 'approvals.what.withdrawn',
    returned: 'approvals.what.returned',
    'returned to the submitter': 'approvals.what.returnedToSubmitter',
    'added a signer before': 'approvals.what.addedBefore',
    'added a signer after': 'approvals.what.addedAfter',
    transferred: 'approvals.what.transferred',
    reminded: 'approvals.what.reminded',
    copied: 'approvals.what.copied',
    commented: 'approvals.what.commented',
    passed: 'approvals.what.passed',
    failed: 'approvals.what.failed',
    'timer fired': 'approvals.what.timerFired',
  };
  if (Object.hasOwn(known, e.what)) return { key: known[e.what] as MessageKey };
  if (e.what.startsWith('timeout: ')) {
    const action = e.what.slice('timeout: '.length);
    const name = action === 'remind' || action === 'approve' || action === 'reject' ? t(`approvals.action.${action}`) : action;
    return { key: 'approvals.what.timeout', vars: { action: name } };
  }
  return null;
}

/**
 * What a history entry says, in the user's language: the runtime's `what` (submitted, approved,
 * returned, added a signer before…) as a sentence, its `to` as names; an unknown `what` as the server wrote it.
 */
export function EntryText({ tenant, entry, steps }: { tenant: string; entry: WfHistoryEntry; steps: Map<string, string> }) {
  const { t } = useI18n();
  const k = entryKey(t, entry);
  if (!k) return <>{entry.what}</>;
  const [before, after] = t(k.key, { ...k.vars }).split('{to}');
  return (
    <>
      {before}
      {after !== undefined && <Target tenant={tenant} to={entry.to} steps={steps} />}
      {after}
    </>
  );
}

const knownErrors = new Set([
  'WORKFLOW_TASK_CLOSED',
  'WORKFLOW_NOT_RUNNING',
  'WORKFLOW_NOT_ASSIGNEE',
  'WORKFLOW_INSTANCE_NOT_FOUND',
  'WORKFLOW_WITHDRAW_REFUSED',
]);

/** An approval error in the user's language when it is one of the common ones; the server's message otherwise. */
export function approvalErrorText(t: T, code: string | undefined, message: string): string {
  if (code === 'WORKFLOW_RECORD_LOCKED') return t('approvals.lockedField');
  return code && knownErrors.has(code) ? t(`approvals.error.${code}` as MessageKey) : message;
}
