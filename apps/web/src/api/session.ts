import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, setCsrfToken } from './http';

export interface User {
  id: string;
  email: string;
  name: string;
  platformAdmin: boolean;
}
export interface TenantMembership {
  slug: string;
  name: string;
  role: 'admin' | 'member' | string;
}
export interface Session {
  user: User;
  csrfToken: string | null;
  tenants: TenantMembership[];
}

const sessionKey = ['session'] as const;

/** The signed-in user, or null when signed out (a 401 is an answer here, not an error). */
export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async (): Promise<Session | null> => {
      try {
        const s = await api<Session>('GET', '/auth/me');
        setCsrfToken(s.csrfToken);
        return s;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useSessionActions() {
  const qc = useQueryClient();
  return {
    async login(email: string, password: string): Promise<Session> {
      const s = await api<Session>('POST', '/auth/login', { body: { email, password } });
      setCsrfToken(s.csrfToken);
      // Nothing cached for whoever was signed in before (a session that expired without a sign-out) is shown to this one.
      qc.clear();
      qc.setQueryData(sessionKey, s);
      return s;
    },
    async logout(): Promise<void> {
      await api('POST', '/auth/logout');
      setCsrfToken(null);
      qc.clear();
      qc.setQueryData(sessionKey, null);
    },
  };
}
