import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeStatusProto, GrpcCode } from '@sightline/core';
import type { ErrorCode, HttpError } from '../http/http-error.js';
import { sendBytes, sendJson } from '../http/respond.js';

/** The two OTLP/HTTP encodings. */
export type OtlpFormat = 'protobuf' | 'json';

/** The encoding named by a request's Content-Type; null for anything else. */
export function otlpFormatOf(req: IncomingMessage): OtlpFormat | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}

const GRPC_CODE_FOR_STATUS: Record<number, number> = {
  400: GrpcCode.INVALID_ARGUMENT,
  413: GrpcCode.RESOURCE_EXHAUSTED,
  415: GrpcCode.INVALID_ARGUMENT,
  429: GrpcCode.RESOURCE_EXHAUSTED,
  503: GrpcCode.UNAVAILABLE,
};

/**
 * An OTLP/HTTP error: a `google.rpc.Status` in the request's encoding, as the OTLP spec
 * prescribes. The JSON form also carries Sightline's `{"error": {"code", "message"}}`.
 */
export function sendOtlpError(
  res: ServerResponse,
  format: OtlpFormat | null,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  const grpcCode = GRPC_CODE_FOR_STATUS[status] ?? GrpcCode.INTERNAL;
  if (format === 'protobuf') {
    sendBytes(res, status, 'application/x-protobuf', encodeStatusProto(grpcCode, message), headers);
  } else {
    sendJson(res, status, { code: grpcCode, message, error: { code, message } }, headers);
  }
}

export function sendOtlpHttpError(res: ServerResponse, format: OtlpFormat | null, err: HttpError): void {
  sendOtlpError(res, format, err.status, err.code, err.message, err.headers);
}
