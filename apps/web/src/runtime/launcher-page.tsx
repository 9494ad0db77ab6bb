import { AppstoreOutlined, UsergroupAddOutlined } from '@ant-design/icons';
import { Button, Card, Col, Empty, Row, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link, Navigate } from 'react-router';
import { useSession } from '../api/session';
import { useI18n } from '../i18n/i18n';
import { AcceptInvitationModal } from './accept-invitation';
import { UserMenu } from './user-menu';

/** Chooses the organisation (tenant) to work in; with one, goes straight there. */
export function LauncherPage() {
  const { t } = useI18n();
  const session = useSession();
  const tenants = session.data?.tenants ?? [];
  const [accepting, setAccepting] = useState(false);
  if (tenants.length === 1) return <Navigate to={`/t/${tenants[0]?.slug}`} replace />;
  return (
    <div style={{ maxWidth: 960, margin: '0 auto', padding: 24 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <Typography.Title level={2}>{t('app.launcher')}</Typography.Title>
        <Space>
          <Button icon={<UsergroupAddOutlined />} onClick={() => setAccepting(true)}>
            {t('invitation.join')}
          </Button>
          <UserMenu />
        </Space>
      </div>
      {tenants.length === 0 ? (
        <Empty description={t('app.launcher.empty')} />
      ) : (
        <Row gutter={[16, 16]}>
          {tenants.map((tn) => (
            <Col xs={24} sm={12} md={8} key={tn.slug}>
              <Link to={`/t/${tn.slug}`}>
                <Card hoverable>
                  <Card.Meta avatar={<AppstoreOutlined style={{ fontSize: 28, color: '#1668dc' }} />} title={tn.name} description={tn.slug} />
                </Card>
              </Link>
            </Col>
          ))}
        </Row>
      )}
      {accepting && <AcceptInvitationModal onClose={() => setAccepting(false)} />}
    </div>
  );
}
