import { Alert } from 'antd';
import { useI18n } from '../i18n/i18n';

/** What a member who is not a tenant admin sees on an admin page. */
export function AdminOnly() {
  const { t } = useI18n();
  return <Alert type="warning" showIcon message={t('designer.forbidden')} />;
}
