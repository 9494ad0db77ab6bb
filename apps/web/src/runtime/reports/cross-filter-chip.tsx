import { CloseOutlined } from '@ant-design/icons';
import { Button, Space, Tag, Typography } from 'antd';
import { useI18n } from '../../i18n/i18n';
import type { CellText } from './report-widget';

/**
 * The dashboard's cross filter in its filters bar: the widget it comes from and the clicked cell
 * (`区域 = 华东`), a button listing the records behind it, and × to clear it.
 */
export function CrossFilterChip(props: { source: string; text: CellText; onRecords(): void; onClear(): void }) {
  const { source, text, onRecords, onClear } = props;
  const { t } = useI18n();
  return (
    <Space size={4} data-testid="cross-filter">
      <Typography.Text type="secondary">{source}：</Typography.Text>
      <Tag
        color="processing"
        closable
        closeIcon={<CloseOutlined aria-label={t('dashboard.crossClear')} />}
        onClose={(e) => {
          e.preventDefault();
          onClear();
        }}
        style={{ marginInlineEnd: 0 }}
      >
        {text.map((p) => `${p.dimension} = ${p.value}`).join(' · ')}
      </Tag>
      <Button type="link" size="small" onClick={onRecords}>
        {t('dashboard.crossRecords')}
      </Button>
    </Space>
  );
}
