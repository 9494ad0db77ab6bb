import { RollbackOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Collapse, List, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { api, describeError } from '../api/http';
import { metadataKey } from '../api/metadata';
import { useI18n } from '../i18n/i18n';
import { type PlannedStep, StepItem } from './publish-page';
import { draftKey, useDesigner } from './use-designer';

interface RevisionSummary {
  id: number;
  createdAt: string;
  message: string | null;
}

function Diff({ tenant, id }: { tenant: string; id: number }) {
  const diff = useQuery({ queryKey: ['diff', tenant, id], queryFn: () => api<{ steps: PlannedStep[] }>('GET', `/t/${tenant}/metadata/revisions/${id}/diff`) });
  return <List size="small" loading={diff.isLoading} dataSource={diff.data?.steps ?? []} renderItem={(s) => <StepItem step={s} />} />;
}

/** Published revisions, each with its changes in words, and rollback. */
export function RevisionsPage() {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const designer = useDesigner();
  const qc = useQueryClient();
  const revisions = useQuery({
    queryKey: ['revisions', designer.tenant],
    queryFn: () => api<{ revisions: RevisionSummary[] }>('GET', `/t/${designer.tenant}/metadata/revisions`),
  });
  const list = revisions.data?.revisions ?? [];
  const rollback = (id: number) =>
    modal.confirm({
      title: t('designer.rollbackConfirm', { id }),
      onOk: async () => {
        try {
          const rev = await api<{ id: number }>('POST', `/t/${designer.tenant}/metadata/revisions/${id}/rollback`);
          message.success(t('designer.rolledBack', { id: rev.id }));
          await Promise.all([
            qc.invalidateQueries({ queryKey: ['revisions', designer.tenant] }),
            qc.invalidateQueries({ queryKey: metadataKey(designer.tenant) }),
            qc.invalidateQueries({ queryKey: draftKey(designer.tenant) }),
          ]);
        } catch (e) {
          message.error(describeError(e));
        }
      },
    });
  return (
    <Card title={t('designer.revisions')} loading={revisions.isLoading}>
      <Collapse
        items={list.map((r, i) => ({
          key: r.id,
          label: (
            <Space wrap>
              <Typography.Text strong>#{r.id}</Typography.Text>
              <Typography.Text>{r.message ?? ''}</Typography.Text>
              <Typography.Text type="secondary">{dayjs(r.createdAt).format('YYYY-MM-DD HH:mm:ss')}</Typography.Text>
            </Space>
          ),
          extra:
            i > 0 ? (
              <Button
                size="small"
                icon={<RollbackOutlined />}
                onClick={(e) => {
                  e.stopPropagation();
                  rollback(r.id);
                }}
              >
                {t('designer.rollback')}
              </Button>
            ) : null,
          children: <Diff tenant={designer.tenant} id={r.id} />,
        }))}
      />
    </Card>
  );
}
