import { InvalidArgumentError, Option } from 'commander';

/** `--url`: a running server's API address (`SIGHTLINE_URL`, else the local default port). */
export function serverUrlOption(): Option {
  return new Option('--url <url>', 'the server’s API address')
    .env('SIGHTLINE_URL')
    .default(`http://127.0.0.1:${process.env.SIGHTLINE_PORT ?? 4800}`)
    .argParser(parseServerUrl);
}

/** `--api-key`: the key sent to the server (`SIGHTLINE_API_KEY`); needed where the server requires keys. */
export function apiKeyOption(): Option {
  return new Option('--api-key <key>', 'the API key to send (a project’s key, or an admin key)').env('SIGHTLINE_API_KEY');
}

/** `--project`: with an admin key, the project to act in (`SIGHTLINE_PROJECT`); a project's key acts in its own. */
export function projectOption(): Option {
  return new Option('--project <name>', 'with an admin key: the project to read or write (default: "default")').env(PROJECT_ENV);
}

export const PROJECT_ENV = 'SIGHTLINE_PROJECT';

let apiKey: string | null = null;
let project: string | null = null;

/** The key (and project) every request to the server sends from now on (the command’s `--api-key`, `--project`). */
export function useApiKey(key: string | null, chosen: string | null = null): void {
  apiKey = key;
  project = chosen;
}

/** `Authorization` for requests to the server, when a key was given; the project chosen, if one was. */
export function authHeaders(): Record<string, string> {
  return {
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    ...(project ? { 'x-sightline-project': project } : {}),
  };
}

/** An http(s) address such as `http://127.0.0.1:4800`, without a trailing slash. */
export function parseServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL; give the server's address, such as http://127.0.0.1:4800.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError(`"${value}" is not an http:// or https:// address, such as http://127.0.0.1:4800.`);
  return value.replace(/\/+$/, '');
}

export interface ServerAnswer<T> {
  /** The HTTP status; 0 when no answer came. */
  readonly status: number;
  readonly ok: boolean;
  readonly body: (T & { error?: { message?: string } }) | null;
  readonly retryAfterSeconds: number | null;
  /** Why no answer came (nothing listening, the connection dropped). */
  readonly unreachable?: string;
}

/** Calls the server's API. */
export async function callServer<T>(base: string, path: string, init: RequestInit): Promise<ServerAnswer<T>> {
  let res: Response;
  try {
    res = await fetch(`${base.replace(/\/+$/, '')}${path}`, {
      ...init,
      headers: { ...authHeaders(), ...(init.headers as Record<string, string>) },
    });
  } catch (err) {
    return { status: 0, ok: false, body: null, retryAfterSeconds: null, unreachable: noAnswer(base, err) };
  }
  const retry = Number(res.headers.get('retry-after'));
  return {
    status: res.status,
    ok: res.ok,
    body: (await res.json().catch(() => null)) as ServerAnswer<T>['body'],
    retryAfterSeconds: Number.isFinite(retry) && retry > 0 ? retry : null,
  };
}

/** What to tell the user when `fetch` to `base` failed: nothing listens there, and how to fix that. */
export function noAnswer(base: string, err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
  return `no Sightline server answers at ${base} (${cause}). Start one with "sightline serve" ("npm start" in a clone of the repository), or give its address with --url.`;
}

/** Why a call failed: no answer, the server's error message (with what to do about a 401), or its HTTP status. */
export function errorOf(answer: ServerAnswer<unknown>): string {
  const said = answer.unreachable ?? answer.body?.error?.message ?? `the server answered HTTP ${answer.status}`;
  if (answer.status === 401) return `${said} (give a key with --api-key or SIGHTLINE_API_KEY)`;
  return said;
}

export function fail(message: string): never {
  process.stderr.write(`sightline: ${message}\n`);
  process.exit(1);
}
