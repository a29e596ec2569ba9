import {
  type DecodedTraces,
  DecodeError,
  decodeTracesJson,
  decodeTracesProto,
  encodeExportResponseJson,
  encodeExportResponseProto,
  rejectionSummary,
} from '@sightline/core';
import { HttpError } from '../http/http-error.js';
import { readBody } from '../http/read-body.js';
import { sendBytes, sendJson } from '../http/respond.js';
import type { Handler } from '../http/router.js';
import type { Ingest } from '../ingest/ingest.js';
import { otlpFormatOf, sendOtlpError, sendOtlpHttpError } from './otlp-format.js';

/**
 * `POST /v1/traces` (OTLP/HTTP): protobuf or JSON, optionally gzipped. Answers only after the
 * accepted spans are committed; invalid spans are reported in `partial_success`.
 */
export function otlpTracesHandler(ingest: Ingest, maxBodyBytes: number): Handler {
  return async ({ req, res }) => {
    const format = otlpFormatOf(req);
    if (format === null) {
      sendOtlpError(
        res,
        null,
        415,
        'unsupported_media_type',
        `Content-Type "${req.headers['content-type'] ?? ''}" is not supported: send application/x-protobuf or application/json`,
      );
      return;
    }
    let decoded: DecodedTraces;
    try {
      const body = await readBody(req, maxBodyBytes);
      decoded = format === 'protobuf' ? decodeTracesProto(body) : decodeTracesJson(body.toString('utf8'));
    } catch (err) {
      if (err instanceof HttpError) return sendOtlpHttpError(res, format, err);
      if (err instanceof DecodeError)
        return sendOtlpError(res, format, 400, 'invalid_argument', `cannot decode the request: ${err.message}`);
      throw err;
    }
    const failure = await ingest.accept(ingest.projectOf(req), decoded.spans);
    if (failure) return sendOtlpHttpError(res, format, failure);
    const outcome = { rejected: decoded.rejectedSpans, message: rejectionSummary(decoded) };
    if (format === 'protobuf') sendBytes(res, 200, 'application/x-protobuf', encodeExportResponseProto(outcome));
    else sendJson(res, 200, encodeExportResponseJson(outcome, 'rejectedSpans'));
  };
}
