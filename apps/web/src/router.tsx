import { createRootRoute, createRoute, createRouter, redirect } from '@tanstack/react-router';
import { Layout, NotFound } from './components/layout';
import { parseSearch, stringifySearch } from './lib/search';
import { CallsPage, parseCallsSearch } from './pages/calls-page';
import { DashboardPage, parseDashboardSearch } from './pages/dashboard-page';
import { MetricsPage, parseMetricsSearch } from './pages/metrics-page';
import { SessionPage } from './pages/session-page';
import { parseSessionsSearch, SessionsPage } from './pages/sessions-page';
import { TracePage } from './pages/trace-page';
import { parseTracesSearch, TracesPage } from './pages/traces-page';
import { parseUsersSearch, UsersPage } from './pages/users-page';

/**
 * The UI's paths are a contract (shared links and outside tests open them): /traces,
 * /traces/{trace_id}?span={span_id}, /calls, /sessions, /sessions/{session_id}, /dashboard; and
 * /users, /users/{user_id} (a user's traces).
 */
const rootRoute = createRootRoute({ component: Layout, notFoundComponent: NotFound });

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/traces' });
  },
});

export const tracesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/traces',
  validateSearch: parseTracesSearch,
  component: TracesPage,
});

export const traceRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/traces/$traceId',
  validateSearch: (s: Record<string, unknown>): { span?: string } => (typeof s.span === 'string' && s.span ? { span: s.span } : {}),
  component: TracePage,
});

export const callsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/calls',
  validateSearch: parseCallsSearch,
  component: CallsPage,
});

export const sessionsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sessions',
  validateSearch: parseSessionsSearch,
  component: SessionsPage,
});

export const sessionRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sessions/$sessionId',
  component: SessionPage,
});

export const usersRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/users',
  validateSearch: parseUsersSearch,
  component: UsersPage,
});

/** A user's page is their traces. */
const userRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/users/$userId',
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/traces', search: { user_id: params.userId } });
  },
});

export const dashboardRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/dashboard',
  validateSearch: parseDashboardSearch,
  component: DashboardPage,
});

export const metricsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/metrics',
  validateSearch: parseMetricsSearch,
  component: MetricsPage,
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  tracesRoute,
  traceRoute,
  callsRoute,
  sessionsRoute,
  sessionRoute,
  usersRoute,
  userRoute,
  dashboardRoute,
  metricsRoute,
]);

export const router = createRouter({
  routeTree,
  parseSearch,
  stringifySearch,
  defaultPreload: false,
  scrollRestoration: true,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
