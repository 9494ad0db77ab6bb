import { fieldTypes } from '@tangram/fields';
import type { ObjectInput, PublicPoolInput } from '@tangram/metadata';
import { Card, Form, InputNumber, Select, Switch, Typography } from 'antd';
import { useI18n } from '../i18n/i18n';

/**
 * An object's public pool (公海): on or off, the claim limit, the days after which records nobody
 * followed up go back, and the field holding the last follow-up. Each change is one undo step
 * (numbers are committed when they are valid, as the field's own options are).
 */
export function PoolSettings({ object, onChange }: { object: ObjectInput; onChange(next: PublicPoolInput | undefined): void }) {
  const { t, label } = useI18n();
  const pool = object.publicPool;
  const dates = object.fields.filter((f) => !f.archived && fieldTypes[f.type]?.temporal);
  const refOf = (f: (typeof dates)[number]) => f.id ?? f.name;
  const activity = dates.find((f) => f.id === pool?.activityField || f.name === pool?.activityField);
  const set = (patch: Partial<PublicPoolInput>) => {
    const next: PublicPoolInput = { ...pool, ...patch };
    for (const k of Object.keys(next) as (keyof PublicPoolInput)[]) if (next[k] === undefined || next[k] === null) delete next[k];
    onChange(next);
  };
  return (
    <Card size="small" title={t('pool.settings')} style={{ marginTop: 12 }} data-testid="pool-settings">
      <Form layout="vertical" size="small">
        <Form.Item label={t('pool.enabled')} htmlFor="pool-enabled" extra={<Typography.Text type="secondary">{t('pool.enabledHelp')}</Typography.Text>}>
          <Switch id="pool-enabled" checked={pool !== undefined} onChange={(on) => onChange(on ? {} : undefined)} />
        </Form.Item>
        {pool && (
          <>
            <Form.Item label={t('pool.claimLimit')} htmlFor="pool-claim-limit">
              <InputNumber
                id="pool-claim-limit"
                min={1}
                precision={0}
                style={{ width: '100%' }}
                placeholder={t('pool.unlimited')}
                value={pool.claimLimit ?? null}
                onChange={(v) => set({ claimLimit: v ?? undefined })}
              />
            </Form.Item>
            <Form.Item label={t('pool.recycleAfterDays')} htmlFor="pool-recycle-days">
              <InputNumber
                id="pool-recycle-days"
                min={1}
                max={3650}
                precision={0}
                style={{ width: '100%' }}
                placeholder={t('pool.never')}
                value={pool.recycleAfterDays ?? null}
                onChange={(v) => set({ recycleAfterDays: v ?? undefined })}
              />
            </Form.Item>
            <Form.Item label={t('pool.activityField')} htmlFor="pool-activity">
              <Select
                id="pool-activity"
                allowClear
                placeholder={t('pool.lastChange')}
                value={activity ? refOf(activity) : undefined}
                options={dates.map((f) => ({ value: refOf(f), label: label(f.label, f.name) }))}
                onChange={(v: string | undefined) => set({ activityField: v })}
              />
            </Form.Item>
          </>
        )}
      </Form>
    </Card>
  );
}
