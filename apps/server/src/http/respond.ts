import type { ServerResponse } from 'node:http';
import type { ErrorCode } from './http-error.js';

/** Sends a JSON body (already serialized or a value to serialize). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    // Stored text is data: never let a browser sniff a JSON answer into HTML.
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** Sends `{"error": {"code", "message"}}`, the API's error shape. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

export function sendBytes(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.byteLength, ...headers });
  res.end(body);
}
