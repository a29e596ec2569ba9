import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import type { BodyHold } from './body-budget.js';
import { HttpError } from './http-error.js';

/** Largest request body accepted, after decompression: 20 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

const tooLarge = (max: number) =>
  new HttpError(413, 'payload_too_large', `request body exceeds ${Math.round(max / 1024 / 1024)} MiB`, { Connection: 'close' });

/** The server holds as many request bytes as it takes at once (see BodyBudget). */
export const busy = () =>
  new HttpError(503, 'unavailable', 'the server is holding as many request bytes as it takes at once; retry later', {
    'Retry-After': '1',
    Connection: 'close',
  });

/**
 * Reads a request body, refusing more than `maxBytes` before or after gzip decompression
 * (`Content-Encoding: gzip`); other encodings are refused with 415. With a `hold`, the bytes
 * read (and inflated) are taken from its budget as they come, and the request is refused
 * with 503 once the budget is spent by others.
 */
export async function readBody(req: IncomingMessage, maxBytes = DEFAULT_MAX_BODY_BYTES, hold?: BodyHold): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'gzip' && encoding !== 'identity' && encoding !== '') {
    throw new HttpError(415, 'unsupported_media_type', `Content-Encoding "${encoding}" is not supported (use gzip or none)`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  // A declared length is taken whole before reading: a busy server refuses without reading it.
  const upfront = Number.isFinite(declared) && declared > 0;
  if (hold && upfront && !hold.grow(declared)) throw busy();
  const raw = await readRaw(req, maxBytes, upfront ? undefined : hold);
  if (encoding !== 'gzip') return raw;
  const inflated = await new Promise<Buffer>((resolve, reject) => {
    gunzip(raw, { maxOutputLength: maxBytes }, (err, out) => {
      if (!err) resolve(out);
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') reject(tooLarge(maxBytes));
      else reject(new HttpError(400, 'invalid_argument', `body is not valid gzip: ${err.message}`));
    });
  });
  if (hold && !hold.grow(inflated.length - raw.length)) throw busy();
  return inflated;
}

function readRaw(req: IncomingMessage, maxBytes: number, hold: BodyHold | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        req.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      if (hold && !hold.grow(chunk.length)) {
        done = true;
        req.pause();
        reject(busy());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
    req.on('aborted', () => {
      if (done) return;
      done = true;
      reject(new HttpError(400, 'invalid_argument', 'the client aborted the request'));
    });
  });
}
