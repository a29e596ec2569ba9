import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { logIn } from '../api/session';
import { LogoMark } from './icons';

/** Shown instead of any page while this server wants a key and the browser has not given one. */
export function LoginPage() {
  const client = useQueryClient();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (key.trim() === '') {
      setError('Paste an API key first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await logIn(key.trim());
      setKey('');
      // Everything read before logging in was refused: read it again as the new session.
      await client.resetQueries();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="login-brand">
          <LogoMark /> Sightline
        </div>
        <h1 id="login-title">Sign in with an API key</h1>
        <p className="login-help">This server asks for a key. A project’s key shows that project; an admin key shows every project.</p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          className="input"
          type="password"
          autoComplete="current-password"
          spellCheck={false}
          placeholder="sl_…"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error ? 'login-error' : undefined}
          // biome-ignore lint/a11y/noAutofocus: the only thing to do on this page is to type the key.
          autoFocus
        />
        {error ? (
          <p id="login-error" className="login-error" role="alert">
            {error}
          </p>
        ) : null}
        <button className="btn primary login-submit" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <details className="login-more">
          <summary>Where do I get a key?</summary>
          <p>
            The admin key was printed once when the server first started (or is the one in <code>SIGHTLINE_ADMIN_KEY</code>). Make a project
            key with:
          </p>
          <pre>sightline keys create --project my-app</pre>
        </details>
      </form>
    </main>
  );
}
