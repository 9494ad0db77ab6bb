import { AppstoreTwoTone, LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, describeError } from '../api/http';
import { useSessionActions } from '../api/session';
import { useI18n } from '../i18n/i18n';
import { LanguageSwitch } from './language-switch';

export function SignInPage() {
  const { t } = useI18n();
  const { login } = useSessionActions();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(values: { email: string; password: string }) {
    setBusy(true);
    setError(null);
    try {
      const s = await login(values.email, values.password);
      const asked = params.get('next');
      // A page of a tenant this user is not in (left by whoever signed out here) is not followed.
      const tenantOfNext = /^\/t\/([^/?#]+)/.exec(asked ?? '')?.[1];
      const next = asked?.startsWith('/') && !asked.startsWith('//') && (!tenantOfNext || s.tenants.some((t) => t.slug === tenantOfNext)) ? asked : undefined;
      const only = s.tenants.length === 1 ? s.tenants[0] : undefined;
      navigate(next ?? (only ? `/t/${only.slug}` : '/'), { replace: true });
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'ACCOUNT_LOCKED' ? t('auth.locked') : t('auth.failed', { message: describeError(e) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: 'linear-gradient(135deg,#e6f0ff,#f7f9fc)', padding: 16 }}>
      <Card
        style={{ width: '100%', maxWidth: 380 }}
        extra={<LanguageSwitch />}
        title={
          <Typography.Title level={3} style={{ margin: 0 }}>
            <AppstoreTwoTone /> {t('app.name')}
          </Typography.Title>
        }
      >
        <Form layout="vertical" onFinish={submit} requiredMark={false} name="signin">
          <Form.Item label={t('auth.email')} name="email" rules={[{ required: true, type: 'email' }]}>
            <Input prefix={<MailOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('auth.password')} name="password" rules={[{ required: true }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} role="alert" />}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('auth.signIn')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
