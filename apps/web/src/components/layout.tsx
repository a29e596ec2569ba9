import { Link, Outlet } from '@tanstack/react-router';
import { Fragment } from 'react';
import { useSession } from '../api/session';
import { useCarriedRange } from '../lib/carried-range';
import { useListKeys } from '../lib/list-keys';
import { type Theme, useTheme } from '../lib/theme';
import { Account } from './account';
import { LogoMark } from './icons';
import { LoginPage } from './login-page';

const NAV = [
  { to: '/traces', label: 'Traces' },
  { to: '/calls', label: 'LLM calls' },
  { to: '/sessions', label: 'Sessions' },
  { to: '/users', label: 'Users' },
  { to: '/dashboard', label: 'Dashboard' },
  { to: '/metrics', label: 'OTel metrics' },
] as const;

/** The frame of every page: the brand, the sections, the page; the login page while a key is wanted. */
export function Layout() {
  const session = useSession();
  const info = session.data;
  useListKeys();
  const { theme, applied, pick } = useTheme();
  const range = useCarriedRange();
  if (info?.auth_required && !info.authenticated)
    return (
      <div className="app">
        <LoginPage />
      </div>
    );
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/traces" search={{ range }} className="brand" aria-label="Sightline home">
          <LogoMark /> Sightline
        </Link>
        <nav className="nav" aria-label="Sections">
          {NAV.map((n) => (
            <Link key={n.to} to={n.to} search={{ range }} activeOptions={{ exact: false, includeSearch: false }}>
              {n.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-right">
          <select className="input theme-pick" aria-label="Theme" value={theme} onChange={(e) => pick(e.target.value as Theme)}>
            <option value="system">System theme</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
          {info ? <Account session={info} /> : null}
          <a href="/api/openapi.json" target="_blank" rel="noreferrer">
            API
          </a>
        </div>
      </header>
      {/* Charts take their colours from the theme when drawn: a page is drawn again in another. */}
      <Fragment key={applied}>
        <Outlet />
      </Fragment>
    </div>
  );
}

/** Any path the app does not know. */
export function NotFound() {
  return (
    <main className="page">
      <div className="empty">
        <h2>Nothing here</h2>
        <p>
          <span className="mono">{window.location.pathname}</span> is not a page of Sightline.
        </p>
        <Link to="/traces" className="btn primary">
          Go to traces
        </Link>
      </div>
    </main>
  );
}
