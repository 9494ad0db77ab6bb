import { CloudUploadOutlined, DeleteOutlined } from '@ant-design/icons';
import type { AutomationInput } from '@tangram/metadata';
import { Alert, App, Button, Card, Empty, Input, Popconfirm, Space, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { describeError } from '../api/http';
import { useMetadata, usePublish } from '../api/metadata';
import { useSession } from '../api/session';
import { useI18n } from '../i18n/i18n';
import { ActionsEditor } from './automation-actions';
import { automationsOf, putAutomation, zhText } from './automation-core';
import { DryRunPanel, RunLog } from './automation-panels';
import { TriggerEditor } from './automation-trigger';
import { draftFields, lookupPathFields } from './designer-core';
import { LogicEditor } from './logic-editor';
import { useDesigner } from './use-designer';

/**
 * One automation, designed in the draft: its trigger, its condition (the filter builder), its
 * actions with their field mapping; a dry run on a chosen record; enable / disable (publishes);
 * the run log of the published version.
 */
export function AutomationEditor() {
  const { name } = useParams();
  const { t, label } = useI18n();
  const designer = useDesigner();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const me = useSession().data?.user.id;
  const publish = usePublish(designer.tenant);
  const published = useMetadata(designer.tenant).data?.metadata.automations?.find((a) => a.name === name);
  const [publishError, setPublishError] = useState<string | null>(null);
  const a = automationsOf(designer.doc).find((x) => x.name === name);
  if (!a) return <Empty description={t('auto.notFound')} />;
  const object = designer.doc.objects.find((o) => o.name === a.object || o.id === a.object);
  if (!object) return <Alert type="error" showIcon message={t('auto.objectMissing', { object: a.object })} />;
  const fields = draftFields(object);
  const change = (next: AutomationInput) => designer.execute(putAutomation(a, next));

  // Publishing sends the whole draft (as the publish page does); the automation keeps an owner to tell when its runs fail.
  const publishNow = async (next: AutomationInput, what: string) => {
    setPublishError(null);
    designer.execute(putAutomation(a, next.owner || !me ? next : { ...next, owner: me }));
    try {
      await designer.flush();
      await publish.mutateAsync(what);
      message.success(t('auto.published'));
    } catch (e) {
      setPublishError(describeError(e));
    }
  };

  const title = label(a.label, a.name);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="automation-editor">
      <Card
        title={
          <Space>
            <Input
              aria-label={t('auto.label')}
              value={zhText(a.label)}
              onChange={(e) => change({ ...a, label: { 'zh-CN': e.target.value } })}
              style={{ width: 260 }}
            />
            <Tag>{label(object.label, object.name)}</Tag>
            {published ? (
              <Tag color={published.enabled ? 'green' : 'default'}>{published.enabled ? t('auto.enabled') : t('auto.disabled')}</Tag>
            ) : (
              <Tag>{t('auto.unpublished')}</Tag>
            )}
          </Space>
        }
        extra={
          <Space>
            <Switch
              aria-label={t('auto.enable')}
              checked={a.enabled !== false}
              loading={publish.isPending}
              onChange={(enabled) => publishNow({ ...a, enabled }, `${enabled ? t('auto.enable') : t('auto.disable')}：${title}`)}
            />
            <Typography.Text>{t('auto.enable')}</Typography.Text>
            <Button icon={<CloudUploadOutlined />} loading={publish.isPending} onClick={() => publishNow(a, `${t('auto.publish')}：${title}`)}>
              {t('auto.publish')}
            </Button>
            <Popconfirm
              title={t('auto.removeConfirm')}
              onConfirm={() => {
                designer.execute(putAutomation(a, undefined));
                navigate(`/t/${designer.tenant}/design/automations`);
              }}
            >
              <Button aria-label={t('common.delete')} icon={<DeleteOutlined />} danger />
            </Popconfirm>
          </Space>
        }
      >
        {publishError && <Alert type="error" showIcon message={publishError} style={{ marginBottom: 8 }} />}
        <Typography.Text type="secondary">{t('auto.help')}</Typography.Text>
      </Card>
      <Card size="small" title={t('auto.whenTitle')}>
        <TriggerEditor tenant={designer.tenant} fields={fields} trigger={a.trigger} onChange={(trigger) => change({ ...a, trigger })} />
      </Card>
      <Card size="small" title={t('auto.ifTitle')}>
        <LogicEditor
          tenant={designer.tenant}
          fields={[...fields, ...lookupPathFields(object, designer.doc.objects)]}
          logic={a.condition}
          onChange={(condition) => {
            const { condition: _, ...rest } = a;
            change(condition === undefined ? rest : { ...rest, condition });
          }}
        />
      </Card>
      <Card size="small" title={t('auto.thenTitle')}>
        <ActionsEditor
          tenant={designer.tenant}
          objects={designer.doc.objects}
          object={object}
          automation={a}
          onChange={(actions) => change({ ...a, actions })}
        />
      </Card>
      <Card size="small" title={t('auto.dryRun')}>
        <DryRunPanel tenant={designer.tenant} automation={a} object={object} objects={designer.doc.objects} />
      </Card>
      <Card size="small" title={t('auto.runLog')}>
        {published ? (
          <RunLog tenant={designer.tenant} name={published.id} object={object.name} />
        ) : (
          <Typography.Text type="secondary">{t('auto.runLogUnpublished')}</Typography.Text>
        )}
      </Card>
    </Space>
  );
}
