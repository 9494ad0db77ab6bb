import { RollbackOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Collapse, List, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { describeError } from '../api/http';
import { metadataQueries, useRollback } from '../api/metadata';
import { useI18n } from '../i18n/i18n';
import { StepItem } from './publish-page';
import { useDesigner } from './use-designer';

function Diff({ tenant, id }: { tenant: string; id: number }) {
  const diff = useQuery(metadataQueries.revisionDiff(tenant, id));
  return <List size="small" loading={diff.isLoading} dataSource={diff.data?.steps ?? []} renderItem={(s) => <StepItem step={s} />} />;
}

/** Published revisions, each with its changes in words, and rollback. */
export function RevisionsPage() {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const designer = useDesigner();
  const revisions = useQuery(metadataQueries.revisions(designer.tenant));
  const rollbackTo = useRollback(designer.tenant);
  const list = revisions.data?.revisions ?? [];
  const rollback = (id: number) =>
    modal.confirm({
      title: t('designer.rollbackConfirm', { id }),
      onOk: async () => {
        try {
          const rev = await rollbackTo.mutateAsync(id);
          message.success(t('designer.rolledBack', { id: rev.id }));
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
