import { Alert, Spin } from 'antd';
import { describeError } from '../api/http';
import { useI18n } from '../i18n/i18n';

export function Loading() {
  const { t } = useI18n();
  return (
    <div style={{ padding: 48, textAlign: 'center' }} role="status">
      <Spin tip={t('common.loading')}>
        <div style={{ height: 40 }} />
      </Spin>
    </div>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useI18n();
  return <Alert type="error" showIcon message={t('common.error', { message: describeError(error) })} style={{ margin: 16 }} />;
}
