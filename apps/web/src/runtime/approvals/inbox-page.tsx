import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Checkbox, Empty, Grid, List, Space, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { approvalQueries, type BulkResult, type InboxBox, type InboxItem, useBulkApproval } from '../../api/approvals';
import { describeError } from '../../api/http';
import { useI18n } from '../../i18n/i18n';
import { ErrorBox } from '../loading';
import { useTenant } from '../tenant-shell';
import { approvalErrorText, StatusTag } from './labels';

const boxes: InboxBox[] = ['todo', 'done', 'mine', 'cc'];
const itemKey = (i: InboxItem) => `${i.instance}:${i.task ?? ''}`;

/** One tab's list: newest first, a page at a time; 待办 with check boxes for 批量同意. */
function BoxList({ tenant, box, phone }: { tenant: string; box: InboxBox; phone: boolean }) {
  const { t, label } = useI18n();
  const { message, modal } = App.useApp();
  const list = useInfiniteQuery(approvalQueries.inbox(tenant, box));
  const bulk = useBulkApproval(tenant);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [failures, setFailures] = useState<{ item: InboxItem | undefined; result: BulkResult }[]>([]);
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const selectable = box === 'todo';
  const choosable = items.filter((i) => i.task);
  // Selections of items no longer listed (approved meanwhile) fall away.
  const chosen = choosable.filter((i) => selected.has(itemKey(i)));

  const toggle = (i: InboxItem, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(itemKey(i));
      else next.delete(itemKey(i));
      return next;
    });

  function approveChosen() {
    const batch = chosen.map((i) => ({ instance: i.instance, task: i.task as string }));
    modal.confirm({
      title: t('approvals.bulkConfirm', { n: batch.length }),
      okText: t('approvals.bulkApprove'),
      okButtonProps: { 'data-testid': 'bulk-approve-confirm', size: 'large' } as never,
      cancelButtonProps: { size: 'large' },
      onOk: async () => {
        setFailures([]);
        try {
          const { results } = await bulk.mutateAsync({ kind: 'approve', items: batch });
          const failed = results.filter((r) => !r.ok);
          const ok = results.length - failed.length;
          if (ok) message.success(t('approvals.bulkDone', { n: ok }));
          setFailures(failed.map((result) => ({ result, item: items.find((i) => i.instance === result.instance && i.task === result.task) })));
          setSelected(new Set(failed.map((f) => `${f.instance}:${f.task}`)));
        } catch (e) {
          message.error(describeError(e));
        }
      },
    });
  }

  if (list.error && !list.data) return <ErrorBox error={list.error} />;
  return (
    <div data-testid={`inbox-${box}`}>
      {selectable && choosable.length > 0 && (
        <Space wrap style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }}>
          <Checkbox
            data-testid="inbox-select-all"
            checked={chosen.length > 0 && chosen.length === choosable.length}
            indeterminate={chosen.length > 0 && chosen.length < choosable.length}
            onChange={(e) => setSelected(e.target.checked ? new Set(choosable.map(itemKey)) : new Set())}
          >
            {chosen.length ? t('approvals.selected', { n: chosen.length }) : t('approvals.selectAll')}
          </Checkbox>
          <Button
            type="primary"
            size={phone ? 'large' : 'middle'}
            disabled={!chosen.length}
            loading={bulk.isPending}
            data-testid="bulk-approve"
            onClick={approveChosen}
          >
            {t('approvals.bulkApprove')}
          </Button>
        </Space>
      )}
      {failures.length > 0 && (
        <Alert
          type="error"
          showIcon
          closable
          onClose={() => setFailures([])}
          data-testid="bulk-failures"
          style={{ marginBottom: 12 }}
          message={t('approvals.bulkFailed', { n: failures.length })}
          description={
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {failures.map((f) => (
                <li key={`${f.result.instance}:${f.result.task}`} data-testid="bulk-failure">
                  {f.item?.recordTitle ?? f.result.instance.slice(0, 8)}: {approvalErrorText(t, f.result.error?.code, f.result.error?.message ?? '')}
                </li>
              ))}
            </ul>
          }
        />
      )}
      <List
        loading={list.isLoading}
        dataSource={items}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('approvals.empty')} /> }}
        renderItem={(i) => (
          <List.Item key={itemKey(i)} data-testid="inbox-item" data-instance={i.instance} style={{ paddingInline: 8, alignItems: 'flex-start', gap: 8 }}>
            {selectable && i.task && (
              <Checkbox
                aria-label={i.recordTitle ?? i.instance}
                data-testid="inbox-select"
                checked={selected.has(itemKey(i))}
                onChange={(e) => toggle(i, e.target.checked)}
                style={phone ? { transform: 'scale(1.3)', paddingTop: 4 } : { paddingTop: 2 }}
              />
            )}
            <Link to={`/t/${tenant}/approvals/${encodeURIComponent(i.instance)}`} style={{ flex: 1, minWidth: 0, color: 'inherit' }} data-testid="inbox-open">
              <div style={{ display: 'flex', gap: 8, alignItems: 'center', justifyContent: 'space-between' }}>
                <Typography.Text strong ellipsis style={{ fontSize: phone ? 16 : 14, color: '#1668dc' }} data-testid="inbox-item-title">
                  {i.recordTitle || i.recordId.slice(0, 8)}
                </Typography.Text>
                <StatusTag status={i.status} />
              </div>
              <Typography.Text type="secondary" style={{ display: 'block', fontSize: phone ? 13 : 12 }}>
                {label(i.label, i.workflow)}
                {i.nodeName || i.node ? ` · ${t('approvals.step')}：${i.nodeName || i.node}` : ''}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                {t('approvals.submitter')}：{i.submitter.name} · {dayjs(i.at).format('YYYY-MM-DD HH:mm')}
                {box === 'cc' && i.unread && (
                  <Tag color="blue" style={{ marginInlineStart: 8 }}>
                    {t('approvals.unread')}
                  </Tag>
                )}
              </Typography.Text>
            </Link>
          </List.Item>
        )}
      />
      {list.hasNextPage && (
        <Button block size={phone ? 'large' : 'middle'} loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()} data-testid="inbox-more">
          {t('approvals.more')}
        </Button>
      )}
    </div>
  );
}

/** 审批: 待办 / 已办 / 我发起的 / 抄送我, with the counts; one column on a phone. */
export default function InboxPage() {
  const tenant = useTenant();
  const { t } = useI18n();
  const phone = Grid.useBreakpoint().md === false;
  const [params, setParams] = useSearchParams();
  const box = (boxes as string[]).includes(params.get('box') ?? '') ? (params.get('box') as InboxBox) : 'todo';
  const counts = useQuery(approvalQueries.counts(tenant)).data;
  const count = (b: InboxBox) => (b === 'todo' ? counts?.todo : b === 'cc' ? counts?.cc : undefined);
  return (
    <div style={{ maxWidth: 960 }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('approvals.title')}
      </Typography.Title>
      <Tabs
        activeKey={box}
        size={phone ? 'large' : 'middle'}
        onChange={(k) => setParams({ box: k }, { replace: true })}
        items={boxes.map((b) => ({
          key: b,
          label: (
            <span data-testid={`inbox-tab-${b}`}>
              {t(`approvals.box.${b}`)}
              {count(b) ? (
                <Badge
                  count={count(b)}
                  size="small"
                  color={b === 'cc' ? 'blue' : undefined}
                  style={{ marginInlineStart: 6 }}
                  data-testid={`inbox-count-${b}`}
                />
              ) : null}
            </span>
          ),
          children: <BoxList key={b} tenant={tenant} box={b} phone={phone} />,
        }))}
        destroyOnHidden
      />
    </div>
  );
}
