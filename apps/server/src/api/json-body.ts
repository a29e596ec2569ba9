import type { IncomingMessage } from 'node:http';
import type { BodyHold } from '../http/body-budget.js';
import { badRequest, HttpError } from '../http/http-error.js';
import { readBody } from '../http/read-body.js';

/** Largest JSON body the API accepts (queries and events are small). */
export const MAX_API_BODY = 1024 * 1024;

/** Reads a JSON object body; 415 for another content type, 400 for bad JSON or a non-object. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  return parseJsonObject(await readJsonText(req, MAX_API_BODY));
}

/** A JSON object from a body's text; 400 for bad JSON or a non-object. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw badRequest(`body is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('body must be a JSON object');
  return value as Record<string, unknown>;
}

/**
 * A JSON body's text (gzip allowed), up to `maxBytes`; 415 for another content type (none
 * counts as JSON). With a `hold`, its bytes count against the server's body budget.
 */
export async function readJsonText(req: IncomingMessage, maxBytes: number, hold?: BodyHold): Promise<string> {
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    throw new HttpError(415, 'unsupported_media_type', `Content-Type "${type}" is not supported: send application/json`);
  return (await readBody(req, maxBytes, hold)).toString('utf8');
}

/** Small typed readers for body fields; each names the field in its error. */
export const field = {
  string(obj: Record<string, unknown>, name: string, required = false): string | undefined {
    const v = obj[name];
    if (v === undefined || v === null) {
      if (required) throw badRequest(`field "${name}" is required`);
      return undefined;
    }
    if (typeof v !== 'string') throw badRequest(`field "${name}" must be a string`);
    return v;
  },
  integer(obj: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
    const v = obj[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(`field "${name}" must be an integer`);
    if (v < min || v > max) throw badRequest(`field "${name}" must be between ${min} and ${max}, got ${v}`);
    return v;
  },
  array(obj: Record<string, unknown>, name: string): unknown[] | undefined {
    const v = obj[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw badRequest(`field "${name}" must be an array`);
    return v;
  },
  object(obj: Record<string, unknown>, name: string, required = false): Record<string, unknown> | undefined {
    const v = obj[name];
    if (v === undefined || v === null) {
      if (required) throw badRequest(`field "${name}" is required`);
      return undefined;
    }
    if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`field "${name}" must be an object`);
    return v as Record<string, unknown>;
  },
};
