import { Switch } from 'antd';
import { useI18n } from '../i18n/i18n';
import type { Widget } from './widget';

/** Yes / no. */
export const switchWidget: Widget = {
  id: 'switch',
  types: ['boolean'],
  Editor: ({ id, value, onChange, disabled }) => <Switch id={id} checked={value === true} onChange={(v) => onChange?.(v)} disabled={disabled} />,
  Display: function Display({ value }) {
    const { t } = useI18n();
    return value == null ? null : <span>{value ? t('common.yes') : t('common.no')}</span>;
  },
};
