import { TranslationOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useI18n } from '../i18n/i18n';

export function LanguageSwitch() {
  const { t, lang, setLang } = useI18n();
  return (
    <Button type="text" icon={<TranslationOutlined />} onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
      {t('user.language')}
    </Button>
  );
}
