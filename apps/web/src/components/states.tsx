import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { AlertIcon } from './icons';

/** An error from the API or the network, said plainly, with a way to try again. */
export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const message =
    error instanceof ApiError
      ? `${error.message} (HTTP ${error.status})`
      : error instanceof TypeError
        ? 'Cannot reach the Sightline server. Is `sightline serve` running?'
        : String((error as Error)?.message ?? error);
  return (
    <div className="notice" role="alert">
      <AlertIcon /> {message}{' '}
      {retry ? (
        <button type="button" className="btn small" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** Placeholder rows that keep the table's layout while it loads. */
export function SkeletonRows({ rows = 8, cols }: { rows?: number; cols: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, r) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity.
        <tr key={r} className="placeholder">
          {Array.from({ length: cols }, (_, c) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity.
            <td key={c}>
              <span className="skeleton" style={{ width: `${c === 0 ? 70 : 40 + ((r * 7 + c * 13) % 40)}%` }} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

/** When there is nothing yet: how to send some data. */
export function Onboarding({ title, children }: { title: string; children?: ReactNode }) {
  const origin = window.location.origin;
  return (
    <div className="empty">
      <h2>{title}</h2>
      <p>{children ?? 'Sightline shows every trace and LLM call sent to it over OpenTelemetry. Send some in one of three ways:'}</p>
      <div className="steps">
        <div className="card">
          <h3>1 · Try it with demo traffic</h3>
          <div className="muted">Realistic agents, sessions and model calls from several providers:</div>
          <pre>npx sightline demo</pre>
        </div>
        <div className="card">
          <h3>2 · Instrument a TypeScript app</h3>
          <div className="muted">One line with the Sightline SDK:</div>
          <pre>{`import { init } from '@sightline/sdk';
init({ serviceName: 'my-app' });`}</pre>
        </div>
        <div className="card">
          <h3>3 · Any OpenTelemetry SDK</h3>
          <div className="muted">Point its OTLP exporter here:</div>
          <pre>{`OTEL_EXPORTER_OTLP_ENDPOINT=${origin.replace(/:\d+$/, ':4318')}
# gRPC: ${origin.replace(/^https?:\/\//, '').replace(/:\d+$/, ':4317')}`}</pre>
        </div>
      </div>
    </div>
  );
}
