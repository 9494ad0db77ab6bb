import { CloudUploadOutlined, WarningOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Input, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, describeError } from '../api/http';
import { metadataQueries, type PlannedStep, usePublish } from '../api/metadata';
import { useI18n } from '../i18n/i18n';
import { useDesigner } from './use-designer';

export type { PlannedStep };

function Problems({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!(error instanceof ApiError) || error.problems.length === 0) return <Alert type="error" showIcon message={describeError(error)} />;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="plan-problems"
      message={t('designer.invalid')}
      description={
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {error.problems.map((p) => (
            <li key={`${p.path ?? p.field}-${p.code}-${p.message}`}>
              <Typography.Text code>{p.path ?? p.field}</Typography.Text> {p.message}
            </li>
          ))}
        </ul>
      }
    />
  );
}

/** Shows one planned step in words, destructive ones flagged. */
export function StepItem({ step }: { step: PlannedStep }) {
  const { t, lang } = useI18n();
  return (
    <List.Item data-testid="plan-step" data-destructive={step.destructive}>
      <Space wrap>
        {step.destructive && (
          <Tag color="red" icon={<WarningOutlined />}>
            {t('designer.destructive')}
          </Tag>
        )}
        <Typography.Text>{step.description[lang]}</Typography.Text>
        {step.failingRows ? <Tag color="volcano">{t('designer.failingRows', { rows: step.failingRows })}</Tag> : null}
      </Space>
    </List.Item>
  );
}

/** The dry run of the draft in plain words, then publish. */
export function PublishPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const designer = useDesigner();
  const publishDraft = usePublish(designer.tenant);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const planQuery = metadataQueries.plan(designer.tenant, designer.doc);
  const plan = useQuery({
    ...planQuery,
    // The plan is of the draft as saved: every change is saved first.
    queryFn: async (ctx) => {
      await designer.flush();
      return planQuery.queryFn!(ctx);
    },
    retry: false,
  });
  const steps = plan.data?.steps ?? [];
  const refused = steps.some((s) => (s.failingRows ?? 0) > 0);

  async function publish() {
    setBusy(true);
    try {
      await designer.flush();
      const rev = await publishDraft.mutateAsync(note || undefined);
      message.success(t('designer.published', { id: rev.id }));
    } catch (e) {
      message.error(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('designer.plan')} loading={plan.isLoading}>
      {plan.error ? (
        <Problems error={plan.error} />
      ) : steps.length === 0 ? (
        <Empty description={t('designer.planEmpty')} />
      ) : (
        <>
          <List size="small" bordered dataSource={steps} renderItem={(s) => <StepItem step={s} />} style={{ marginBottom: 16 }} />
          {steps.some((s) => s.destructive) && <Alert type="warning" showIcon message={t('designer.destructive')} style={{ marginBottom: 16 }} />}
          <Space.Compact style={{ width: '100%', maxWidth: 560 }}>
            <Input
              aria-label={t('designer.publishMessage')}
              placeholder={t('designer.publishMessage')}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              maxLength={500}
            />
            <Button type="primary" icon={<CloudUploadOutlined />} loading={busy} disabled={refused} onClick={publish}>
              {t('designer.publishNow')}
            </Button>
          </Space.Compact>
        </>
      )}
    </Card>
  );
}
