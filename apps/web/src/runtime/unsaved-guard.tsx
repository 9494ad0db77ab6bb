import { App } from 'antd';
import { useEffect, useRef } from 'react';
import { useBlocker } from 'react-router';
import { useI18n } from '../i18n/i18n';

/** Asks before leaving a page with unsaved changes: in-app navigation and closing the tab. */
export function useUnsavedGuard(dirty: boolean): { clear(): void } {
  const { t } = useI18n();
  const { modal } = App.useApp();
  // A ref, so that a save that clears `dirty` and navigates in the same tick is not blocked.
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirtyRef.current && currentLocation.pathname !== nextLocation.pathname);
  // One question per blocked navigation (the blocker object changes on every render).
  const asking = useRef(false);
  useEffect(() => {
    if (blocker.state !== 'blocked' || asking.current) return;
    asking.current = true;
    modal.confirm({
      title: t('common.unsaved'),
      okText: t('common.leave'),
      cancelText: t('common.stay'),
      okButtonProps: { danger: true },
      onOk: () => {
        asking.current = false;
        blocker.proceed();
      },
      onCancel: () => {
        asking.current = false;
        blocker.reset();
      },
    });
  }, [blocker, modal, t]);
  useEffect(() => {
    if (!dirty) return;
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [dirty]);
  return {
    clear: () => {
      dirtyRef.current = false;
    },
  };
}
