import { callServer, errorOf, fail } from '../server-client.js';

/** GET an API path of a running server; its JSON body, or one line on stderr and exit 1. */
export async function getApi<T>(url: string, path: string, params?: URLSearchParams): Promise<T> {
  const query = params && [...params].length ? `?${params}` : '';
  const answer = await callServer<T>(url, `${path}${query}`, { method: 'GET' });
  if (!answer.ok || answer.body === null) return fail(errorOf(answer));
  return answer.body;
}

/** The value as pretty JSON on stdout (what `--json` prints). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
