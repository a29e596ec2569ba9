import type { LiveStatus } from '../lib/use-live';

/** The toolbar's Live switch: on, it says whether the stream is connected. `unavailable`: why it cannot be on here. */
export function LiveButton({
  on,
  status,
  onToggle,
  what,
  unavailable,
}: {
  on: boolean;
  status: LiveStatus;
  onToggle: () => void;
  what: string;
  unavailable?: string;
}) {
  return (
    <button
      type="button"
      className={`btn ${on && !unavailable ? 'on' : ''}`}
      title={unavailable ?? `Add new ${what} as they arrive`}
      disabled={unavailable !== undefined}
      onClick={onToggle}
    >
      {on && !unavailable ? (
        <span className="badge live">
          <span className={`dot ${status === 'live' ? 'pulse' : ''}`} /> {status === 'live' ? 'Live' : 'Connecting'}
        </span>
      ) : (
        'Live'
      )}
    </button>
  );
}
