import { ReloadOutlined } from '@ant-design/icons';
import type { AutomationInput, Field, FieldInput, LocaleText, ObjectInput } from '@tangram/metadata';
import { Alert, Button, Card, Descriptions, Empty, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { type DryRunAction, type DryRunResult, useAutomationRuns, useDryRun, useRetryRun } from '../api/automations';
import { describeError } from '../api/http';
import type { MessageKey } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { MemberName } from '../widgets/people-pickers';
import { FieldEditor } from '../widgets/registry';
import { isUserReference } from './automation-core';
import { draftFields } from './designer-core';

function show(v: unknown, t: (k: MessageKey) => string): string {
  if (v === null || v === undefined || v === '') return t('auto.empty.value');
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A value as the field shows it: a select's option label, a member's name, yes / no. */
function Value({ tenant, field, value }: { tenant: string; field: FieldInput | undefined; value: unknown }) {
  const { t, label } = useI18n();
  const options = (field?.options?.options ?? []) as { key: string; label?: LocaleText | string }[];
  const keys = Array.isArray(value) ? value : [value];
  if (options.length && keys.every((k) => options.some((o) => o.key === k)))
    return <>{keys.map((k) => label(options.find((o) => o.key === k)?.label, String(k))).join('、')}</>;
  if ((field === undefined || isUserReference(field)) && typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value))
    return <MemberName tenant={tenant} id={value} />;
  return <>{show(value, t)}</>;
}

type FieldOf = (object: string, field: string) => FieldInput | undefined;

function ActionOutcome({
  tenant,
  a,
  fieldLabel,
  fieldOf,
}: {
  tenant: string;
  a: DryRunAction;
  fieldLabel(object: string, field: string): string;
  fieldOf: FieldOf;
}) {
  const { t } = useI18n();
  const color = a.status === 'would' ? 'blue' : a.status === 'failed' ? 'red' : 'default';
  return (
    <Card
      size="small"
      data-testid="dry-run-action"
      title={`${t(`auto.action.${a.kind}` as MessageKey)} (${a.id})`}
      extra={<Tag color={color}>{t(`auto.status.${a.status}` as MessageKey)}</Tag>}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        {(a.updates ?? []).map((u) => (
          <Table
            key={`${u.object}:${u.id}`}
            size="small"
            pagination={false}
            rowKey="field"
            dataSource={u.changes}
            locale={{ emptyText: t('auto.noChange') }}
            columns={[
              { title: t('auto.field'), key: 'field', render: (_, c) => fieldLabel(u.object, c.field) },
              { title: t('auto.beforeValue'), key: 'before', render: (_, c) => <Value tenant={tenant} field={fieldOf(u.object, c.field)} value={c.before} /> },
              {
                title: t('auto.afterValue'),
                key: 'after',
                render: (_, c) => (
                  <Typography.Text strong>
                    <Value tenant={tenant} field={fieldOf(u.object, c.field)} value={c.after} />
                  </Typography.Text>
                ),
              },
            ]}
          />
        ))}
        {(a.creates ?? []).map((c) => (
          <Descriptions key={JSON.stringify(c)} size="small" bordered column={1} title={t('auto.wouldCreate')}>
            {Object.entries(c.values).map(([k, v]) => (
              <Descriptions.Item key={k} label={fieldLabel(c.object, k)}>
                <Value tenant={tenant} field={fieldOf(c.object, k)} value={v} />
              </Descriptions.Item>
            ))}
          </Descriptions>
        ))}
        {a.recipients && (
          <Typography.Text data-testid="dry-run-recipients">
            {a.recipients.length ? t('auto.wouldNotify', { names: a.recipients.map((r) => r.name).join('、') }) : t('auto.nobody')}
            {a.title ? ` — ${a.title}` : ''}
          </Typography.Text>
        )}
        {a.send && <Typography.Text>{t('auto.wouldSend', { url: a.send.url })}</Typography.Text>}
        {a.refuse !== undefined && <Typography.Text>{t('auto.wouldRefuse', { message: a.refuse })}</Typography.Text>}
        {a.note && <Typography.Text type="secondary">{a.note}</Typography.Text>}
        {a.error && <Typography.Text type="danger">{a.error}</Typography.Text>}
      </Space>
    </Card>
  );
}

function Outcome({ tenant, r, objects }: { tenant: string; r: DryRunResult; objects: ObjectInput[] }) {
  const { t, label } = useI18n();
  const fieldOf: FieldOf = (object, field) => objects.find((o) => o.name === object)?.fields.find((x) => x.name === field);
  const fieldLabel = (object: string, field: string) => {
    const f = fieldOf(object, field);
    return field === 'owner_id' ? t('auto.owner') : f ? label(f.label, f.name) : field;
  };
  const reason = t(`auto.reason.${r.trigger.reason}` as MessageKey, { at: r.trigger.at ? new Date(r.trigger.at).toLocaleString() : '' });
  const condition = r.condition.error
    ? t('auto.conditionError', { error: r.condition.error })
    : r.condition.holds
      ? t('auto.conditionHolds')
      : t('auto.conditionFails');
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="dry-run-result">
      <Alert
        type={r.wouldRun ? 'success' : 'warning'}
        showIcon
        message={r.wouldRun ? t('auto.wouldRun') : t('auto.wouldNotRun')}
        description={`${reason}；${condition}`}
      />
      {r.actions.map((a) => (
        <ActionOutcome key={a.id} tenant={tenant} a={a} fieldLabel={fieldLabel} fieldOf={fieldOf} />
      ))}
    </Space>
  );
}

/** Dry run: pick a record of the object; see what the automation, as designed now, would change and whom it would tell. */
export function DryRunPanel({
  tenant,
  automation,
  object,
  objects,
}: {
  tenant: string;
  automation: AutomationInput;
  object: ObjectInput;
  objects: ObjectInput[];
}) {
  const { t } = useI18n();
  const [recordId, setRecordId] = useState<string | null>(null);
  const dry = useDryRun(tenant);
  const picker = { ...draftFields(object)[0], id: 'dry_run_record', name: 'dry_run_record', type: 'lookup', options: { target: object.name } } as Field;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <fieldset style={{ width: 280, border: 0, margin: 0, padding: 0 }} aria-label={t('auto.dryRunRecord')}>
          <label htmlFor="dry-run-record" className="tg-sr-only">
            {t('auto.dryRunRecord')}
          </label>
          <FieldEditor field={picker} tenant={tenant} value={recordId} onChange={(v) => setRecordId(typeof v === 'string' ? v : null)} id="dry-run-record" />
        </fieldset>
        <Button
          type="primary"
          disabled={!recordId}
          loading={dry.isPending}
          onClick={() => recordId && dry.mutate({ automation: automation as unknown as Record<string, unknown>, recordId })}
        >
          {t('auto.dryRun')}
        </Button>
      </Space>
      {dry.error && <Alert type="error" showIcon message={describeError(dry.error)} />}
      {dry.data && !dry.isPending && <Outcome tenant={tenant} r={dry.data} objects={objects} />}
    </Space>
  );
}

/** The run log of a published automation: each run's record (its input), outcome, error and actions; a failed run can be retried. */
export function RunLog({ tenant, name, object }: { tenant: string; name: string; object: string }) {
  const { t } = useI18n();
  const runs = useAutomationRuns(tenant, name, true);
  const retry = useRetryRun(tenant, name);
  if (runs.error) return <Alert type="error" showIcon message={describeError(runs.error)} />;
  const color = { succeeded: 'green', failed: 'red', running: 'blue', skipped: 'default' } as const;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Button size="small" icon={<ReloadOutlined />} onClick={() => runs.refetch()}>
        {t('common.reload')}
      </Button>
      {retry.error && <Alert type="error" showIcon message={describeError(retry.error)} />}
      <Table
        data-testid="run-log"
        size="small"
        rowKey="id"
        loading={runs.isLoading}
        pagination={false}
        dataSource={runs.data ?? []}
        locale={{ emptyText: <Empty description={t('auto.noRuns')} /> }}
        expandable={{
          expandedRowRender: (run) => (
            <Space direction="vertical">
              {run.actions.map((a) => (
                <Typography.Text key={a.id}>
                  {t(`auto.action.${a.kind}` as MessageKey)} ({a.id}): <Tag>{t(`auto.actionStatus.${a.status}` as MessageKey)}</Tag>
                  {a.error ?? (a.result !== undefined ? JSON.stringify(a.result) : '')}
                </Typography.Text>
              ))}
            </Space>
          ),
        }}
        columns={[
          { title: t('auto.runAt'), key: 'at', render: (_, r) => new Date(r.startedAt).toLocaleString() },
          { title: t('auto.record'), key: 'record', render: (_, r) => <Link to={`/t/${tenant}/o/${object}/r/${r.recordId}`}>{r.recordId.slice(0, 8)}…</Link> },
          { title: t('auto.outcome'), key: 'status', render: (_, r) => <Tag color={color[r.status]}>{t(`auto.run.${r.status}` as MessageKey)}</Tag> },
          { title: t('auto.error'), key: 'error', render: (_, r) => (r.error ? <Typography.Text type="danger">{r.error}</Typography.Text> : null) },
          {
            title: '',
            key: 'retry',
            render: (_, r) =>
              r.status === 'failed' ? (
                <Button size="small" loading={retry.isPending && retry.variables === r.id} onClick={() => retry.mutate(r.id)}>
                  {t('auto.retry')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}
