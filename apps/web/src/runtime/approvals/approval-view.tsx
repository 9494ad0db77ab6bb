import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { useVisibleObject } from '../../api/access';
import { approvalQueries } from '../../api/approvals';
import { objectByName, useMetadata } from '../../api/metadata';
import { useRecord } from '../../api/records';
import { useI18n } from '../../i18n/i18n';
import { ErrorBox, Loading } from '../loading';
import { RecordPage } from '../record-page';
import { useTenant } from '../tenant-shell';
import { ApprovalPanel } from './approval-panel';

/**
 * The approval view an inbox item opens: the record's page with this approval in front, or, for
 * someone who may not read the record (an approver or a copy's reader), the approval alone.
 */
export default function ApprovalView() {
  const tenant = useTenant();
  const { id = '' } = useParams();
  const { t } = useI18n();
  const inst = useQuery(approvalQueries.instance(tenant, id));
  const md = useMetadata(tenant);
  const object = useVisibleObject(tenant, objectByName(md.data?.metadata, inst.data?.object));
  const record = useRecord(tenant, object ? (inst.data?.object ?? '') : '', object ? inst.data?.recordId : undefined);
  const back = (
    <Link to={`/t/${tenant}/approvals`}>
      <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0, marginBottom: 4 }}>
        {t('approvals.backToInbox')}
      </Button>
    </Link>
  );
  if (inst.error && !inst.data) return <ErrorBox error={inst.error} />;
  if (!inst.data || (object && record.isLoading)) return <Loading />;
  if (object && record.data)
    return (
      <div>
        {back}
        <RecordPage key={id} object={inst.data.object} id={inst.data.recordId} focusApproval={id} />
      </div>
    );
  return (
    <div>
      {back}
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {inst.data.recordTitle || inst.data.recordId.slice(0, 8)}
      </Typography.Title>
      <ApprovalPanel tenant={tenant} id={id} />
    </div>
  );
}
