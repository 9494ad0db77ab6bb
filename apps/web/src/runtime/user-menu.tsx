import { AppstoreOutlined, LogoutOutlined, TranslationOutlined, UsergroupAddOutlined, UserOutlined } from '@ant-design/icons';
import { Avatar, Button, Dropdown } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useSession, useSessionActions } from '../api/session';
import { useI18n } from '../i18n/i18n';
import { AcceptInvitationModal } from './accept-invitation';

export function UserMenu() {
  const { t, lang, setLang } = useI18n();
  const session = useSession();
  const { logout } = useSessionActions();
  const navigate = useNavigate();
  const user = session.data?.user;
  const [accepting, setAccepting] = useState(false);
  return (
    <>
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            { key: 'lang', icon: <TranslationOutlined />, label: t('user.language') },
            { key: 'apps', icon: <AppstoreOutlined />, label: t('app.launcher') },
            // Someone already in one tenant lands in it straight after sign-in, so joining another is offered here too.
            { key: 'join', icon: <UsergroupAddOutlined />, label: t('invitation.join') },
            { type: 'divider' },
            { key: 'logout', icon: <LogoutOutlined />, label: t('auth.signOut') },
          ],
          onClick: async ({ key }) => {
            if (key === 'lang') setLang(lang === 'en' ? 'zh-CN' : 'en');
            if (key === 'apps') navigate('/');
            if (key === 'join') setAccepting(true);
            if (key === 'logout') {
              await logout();
              navigate('/login');
            }
          },
        }}
      >
        <Button type="text" aria-label={user?.name ?? 'user'} data-testid="user-menu">
          <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1668dc' }} /> <span className="hide-xs">{user?.name}</span>
        </Button>
      </Dropdown>
      {accepting && <AcceptInvitationModal onClose={() => setAccepting(false)} />}
    </>
  );
}
