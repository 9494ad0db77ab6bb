import { CloudUploadOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { describeError } from '../api/http';
import { usePublish } from '../api/metadata';
import { useI18n } from '../i18n/i18n';
import { useDesigner } from './use-designer';

/**
 * Saves the draft and publishes it, from the page that changed it. Reports and dashboards change
 * no table, so the publish page's plan has no step for them; this is how they are published.
 */
export function PublishButton({ note }: { note: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const designer = useDesigner();
  const publish = usePublish(designer.tenant);
  return (
    <Button
      type="primary"
      icon={<CloudUploadOutlined />}
      loading={publish.isPending}
      onClick={async () => {
        try {
          await designer.flush();
          const rev = await publish.mutateAsync(note);
          message.success(t('designer.published', { id: rev.id }));
        } catch (e) {
          message.error(describeError(e));
        }
      }}
    >
      {t('builder.publish')}
    </Button>
  );
}
