import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../api/session';
import { ErrorBox, Loading } from './loading';

/** Everything but the sign-in page needs a session; without one the user goes to sign in and comes back. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (session.isLoading) return <Loading />;
  if (session.error && !session.data) return <ErrorBox error={session.error} />;
  if (!session.data) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <Outlet />;
}
