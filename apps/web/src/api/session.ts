import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { ApiError, setCsrfToken } from './http';
import { keys } from './keys';
import type { Session } from './types';

export type { Accepted, Session, TenantMembership, User } from './types';

export const sessionQuery = queryOptions({
  queryKey: keys.session(),
  /** The signed-in user, or null when signed out (a 401 is an answer here, not an error). */
  queryFn: async ({ signal }): Promise<Session | null> => {
    try {
      const s = await unwrap(client.GET('/api/v1/auth/me', { signal }));
      setCsrfToken(s.csrfToken);
      return s;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  staleTime: Number.POSITIVE_INFINITY,
});

export function useSession() {
  return useQuery(sessionQuery);
}

export function useSessionActions() {
  const qc = useQueryClient();
  const login = useMutation({
    mutationFn: (v: { email: string; password: string }) => unwrap(client.POST('/api/v1/auth/login', { body: v })),
    onSuccess: (s) => {
      setCsrfToken(s.csrfToken);
      // Nothing cached for whoever was signed in before (a session that expired without a sign-out) is shown to this one.
      qc.clear();
      qc.setQueryData(keys.session(), s);
    },
  });
  const logout = useMutation({
    mutationFn: () => unwrap(client.POST('/api/v1/auth/logout')),
    onSuccess: () => {
      setCsrfToken(null);
      qc.clear();
      qc.setQueryData(keys.session(), null);
    },
  });
  return {
    login: (email: string, password: string): Promise<Session> => login.mutateAsync({ email, password }),
    logout: async (): Promise<void> => {
      await logout.mutateAsync();
    },
  };
}

/** Joins a tenant with an invitation code; the session (its list of tenants) is refetched. */
export function useAcceptInvitation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => unwrap(client.POST('/api/v1/auth/invitations/accept', { body: { code } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.session() }),
  });
}
