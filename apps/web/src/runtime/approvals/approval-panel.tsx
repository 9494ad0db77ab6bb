import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Grid, Row, Select, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { type ActionKind, approvalQueries, type Instance, type InstanceSummary, isOpen } from '../../api/approvals';
import { useI18n } from '../../i18n/i18n';
import { keys } from '../../api/keys';
import { ErrorBox } from '../loading';
import { ActionDialog } from './action-dialog';
import { EntryText, StatusTag } from './labels';
import { diagramMarks } from './marks';

// bpmn-js stays out of the runtime's initial JavaScript: its own chunk, loaded with the first diagram.
const ApprovalDiagram = lazy(() => import('./approval-diagram'));

/** The action buttons in the order people look for them; each shown only when `can` allows it. */
const actionOrder: ActionKind[] = ['approve', 'reject', 'return', 'addSigner', 'transfer', 'resubmit', 'withdraw', 'remind', 'cc', 'comment'];

/** Every action and comment, oldest first: who, what, which step, when, the comment. */
function HistoryList({ tenant, inst }: { tenant: string; inst: Instance }) {
  const { t } = useI18n();
  const steps = useMemo(() => {
    const m = new Map<string, string>();
    for (const task of inst.tasks) if (task.nodeName) m.set(task.node, task.nodeName);
    for (const h of inst.history) if (h.node && h.nodeName) m.set(h.node, h.nodeName);
    for (const r of inst.can.returnTo) if (r.name) m.set(r.node, r.name);
    for (const c of inst.current) if (c.name) m.set(c.node, c.name);
    return m;
  }, [inst]);
  if (!inst.history.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const color = (what: string) =>
    what === 'approved' || what === 'passed' ? 'green' : what === 'rejected' || what === 'failed' ? 'red' : what === 'returned' ? 'orange' : 'blue';
  return (
    <Timeline
      data-testid="approval-history"
      items={inst.history.map((h, i) => ({
        key: `${h.at}:${i}`,
        color: color(h.what),
        children: (
          <div data-testid="approval-history-entry" data-what={h.what}>
            <Typography.Text strong>{h.by?.name ?? t('approvals.system')}</Typography.Text> <EntryText tenant={tenant} entry={h} steps={steps} />
            {h.node && (h.nodeName ?? steps.get(h.node)) && <Tag style={{ marginInlineStart: 6 }}>{h.nodeName ?? steps.get(h.node)}</Tag>}
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {dayjs(h.at).format('YYYY-MM-DD HH:mm')}
              </Typography.Text>
            </div>
            {h.comment && (
              <Typography.Paragraph data-testid="approval-comment" style={{ margin: '4px 0 0', padding: '4px 8px', background: '#fafafa', borderRadius: 4 }}>
                {h.comment}
              </Typography.Paragraph>
            )}
          </div>
        ),
      }))}
    />
  );
}

/** Who holds the open steps, and how far each has got (会签: who approved, who has not yet). */
function CurrentSteps({ inst }: { inst: Instance }) {
  const { t } = useI18n();
  if (!inst.current.length) return null;
  return (
    <div data-testid="approval-current" style={{ marginBottom: 12 }}>
      {inst.current.map((c) => (
        <div key={c.node} data-node={c.node} style={{ marginBottom: 4 }}>
          <Typography.Text type="secondary">{t('approvals.current')}：</Typography.Text>
          <Typography.Text strong>{c.name || c.node}</Typography.Text>{' '}
          <Space size={4} wrap style={{ display: 'inline-flex' }}>
            {inst.tasks
              .filter((task) => task.node === c.node && task.status !== 'cancelled' && task.status !== 'transferred')
              .map((task) => (
                <Tag
                  key={task.id}
                  data-testid="approval-task"
                  data-status={task.status}
                  color={task.status === 'approved' ? 'green' : task.status === 'open' ? 'blue' : undefined}
                >
                  {task.assignee.name} ·{' '}
                  {task.status === 'approved' ? t('approvals.what.approved') : task.status === 'open' ? t('approvals.status.open') : task.status}
                </Tag>
              ))}
          </Space>
        </div>
      ))}
    </div>
  );
}

/**
 * One approval: status, open steps, the action buttons `can` allows, the diagram with the open and
 * finished steps marked, and the history. Stacked, with large buttons, on a phone.
 */
export function ApprovalPanel({
  tenant,
  id,
  values,
  extra,
}: {
  tenant: string;
  id: string;
  /** The record form's changed fields this step lets the approver edit (sent with 同意). */
  values?: () => Record<string, unknown> | undefined;
  /** Shown in the card's header (e.g. a choice of the record's other approvals). */
  extra?: React.ReactNode;
}) {
  const { t, label } = useI18n();
  const phone = Grid.useBreakpoint().md === false;
  const q = useQuery(approvalQueries.instance(tenant, id));
  const [acting, setActing] = useState<ActionKind | null>(null);
  const inst = q.data;
  const marks = useMemo(() => (inst ? diagramMarks(inst) : null), [inst]);
  // Reading an approval one was copied on marks the copy read: the 抄送我 count is asked again.
  const qc = useQueryClient();
  const loaded = Boolean(inst);
  useEffect(() => {
    if (loaded) void qc.invalidateQueries({ queryKey: keys.approvalCounts(tenant) });
  }, [loaded, qc, tenant]);
  if (q.error && !inst) return <ErrorBox error={q.error} />;
  if (!inst || !marks) return <Card loading data-testid="approval-panel-loading" />;
  const can = inst.can;
  const allowed = actionOrder.filter((k) => can[k] === true && (k !== 'return' || can.returnTo.length > 0));
  const diagramHeight = phone ? 240 : 320;
  return (
    <Card
      data-testid="approval-panel"
      data-status={inst.status}
      size="small"
      style={{ marginBottom: 12 }}
      title={
        <Space wrap size={8}>
          <span>{label(inst.label, inst.workflow)}</span>
          <StatusTag status={inst.status} />
          {can.myTask && isOpen(inst.status) && <Tag color="gold">{t('approvals.yourTurn')}</Tag>}
        </Space>
      }
      extra={extra}
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('approvals.submitter')}：{inst.submitter.name} · {dayjs(inst.createdAt).format('YYYY-MM-DD HH:mm')}
      </Typography.Paragraph>
      <CurrentSteps inst={inst} />
      {allowed.length > 0 && (
        <div
          data-testid="approval-actions"
          style={
            phone
              ? { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 8, marginBottom: 12 }
              : { display: 'flex', flexWrap: 'wrap', gap: 8, marginBottom: 12 }
          }
        >
          {allowed.map((k) => (
            <Button
              key={k}
              data-testid={`approval-action-${k}`}
              type={k === 'approve' ? 'primary' : 'default'}
              danger={k === 'reject'}
              size={phone ? 'large' : 'middle'}
              block={phone}
              style={phone && k === 'approve' ? { gridColumn: '1 / -1', height: 48 } : undefined}
              onClick={() => setActing(k)}
            >
              {t(`approvals.action.${k}`)}
            </Button>
          ))}
        </div>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Typography.Text type="secondary">{t('approvals.diagram')}</Typography.Text>
          <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: diagramHeight }} />}>
            <ApprovalDiagram xml={inst.bpmn} marks={marks} height={diagramHeight} />
          </Suspense>
        </Col>
        <Col xs={24} lg={10}>
          <Typography.Text type="secondary">{t('approvals.history')}</Typography.Text>
          <div style={{ marginTop: 8, maxHeight: phone ? undefined : diagramHeight + 40, overflowY: phone ? undefined : 'auto', paddingTop: 4 }}>
            <HistoryList tenant={tenant} inst={inst} />
          </div>
        </Col>
      </Row>
      {acting && <ActionDialog tenant={tenant} instance={inst} kind={acting} values={values} onClose={() => setActing(null)} />}
    </Card>
  );
}

/** A record's approvals: the one shown (the newest, or `focus`), with a choice of the others. */
export function RecordApprovals({
  tenant,
  items,
  focus,
  values,
}: {
  tenant: string;
  items: InstanceSummary[];
  focus?: string;
  values?: () => Record<string, unknown> | undefined;
}) {
  const { t, label } = useI18n();
  const [chosen, setChosen] = useState<string | undefined>(focus);
  const shown = items.find((i) => i.id === chosen) ?? items[0];
  if (!shown) return null;
  const extra =
    items.length > 1 ? (
      <Select
        size="small"
        aria-label={t('approvals.others')}
        value={shown.id}
        onChange={setChosen}
        style={{ minWidth: 180 }}
        options={items.map((i) => ({
          value: i.id,
          label: `${label(i.label, i.workflow)} · ${dayjs(i.createdAt).format('MM-DD HH:mm')} · ${t(`approvals.status.${i.status}`)}`,
        }))}
      />
    ) : undefined;
  return <ApprovalPanel tenant={tenant} id={shown.id} values={values} extra={extra} />;
}
