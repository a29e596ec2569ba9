import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useSession } from '../api/session';
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

/** A server started with the defaults: the demo and the SDK reach it untold; any other, they are told where. */
const DEFAULT_URL = 'http://127.0.0.1:4800';

/**
 * When there is nothing yet: how to send some data, to this server's address (its main port
 * takes OTLP/HTTP too, so the address is right whatever ports it was started with). For
 * `metrics`, only the OTLP exporter: the demo and the SDK send traces.
 */
export function Onboarding({ title, children, metrics = false }: { title: string; children?: ReactNode; metrics?: boolean }) {
  const origin = window.location.origin;
  const here = origin === DEFAULT_URL;
  const grpcPort = useSession().data?.otlp_grpc_port ?? null;
  // Shell line continuations and one option per line: the commands fit their cards and copy whole.
  const demoCommand = here ? 'npx sightline demo' : `npx sightline demo \\\n  --url ${origin}`;
  const sdkInit = here ? "init({ serviceName: 'my-app' });" : `init({\n  serviceName: 'my-app',\n  endpoint: '${origin}',\n});`;
  const otlp = (
    <div className="card">
      <h3>Any OpenTelemetry SDK</h3>
      <div className="muted">Point its OTLP {metrics ? 'metrics ' : ''}exporter here (OTLP/HTTP, protobuf or JSON):</div>
      <pre>{`OTEL_EXPORTER_OTLP_ENDPOINT=${origin}`}</pre>
      {grpcPort === null ? null : (
        <>
          <div className="muted">Or over OTLP/gRPC:</div>
          <pre>{`OTEL_EXPORTER_OTLP_PROTOCOL=grpc
OTEL_EXPORTER_OTLP_ENDPOINT=http://${window.location.hostname}:${grpcPort}`}</pre>
        </>
      )}
    </div>
  );
  return (
    <div className="empty">
      <h2>{title}</h2>
      <p>{children ?? 'Sightline shows every trace and LLM call sent to it over OpenTelemetry. Send some in one of three ways:'}</p>
      {metrics ? (
        <div className="steps one">{otlp}</div>
      ) : (
        <div className="steps">
          <div className="card">
            <h3>Try it with demo traffic</h3>
            <div className="muted">Realistic agents, sessions and model calls from several providers:</div>
            <pre>{demoCommand}</pre>
          </div>
          <div className="card">
            <h3>Instrument a TypeScript app</h3>
            <div className="muted">One call with the Sightline SDK:</div>
            <pre>{`import { init } from '@sightline/sdk';
${sdkInit}`}</pre>
          </div>
          {otlp}
        </div>
      )}
    </div>
  );
}
