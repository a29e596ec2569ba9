import { ProtoWriter } from './proto-writer.js';

/**
 * What an OTLP export answers: how many items were refused and why. The field numbers
 * are shared by `ExportTraceServiceResponse` and `ExportLogsServiceResponse`, whose
 * `partial_success` holds (1) the rejected count and (2) the message.
 */
export interface ExportOutcome {
  readonly rejected: number;
  readonly message: string;
}

/** The export response in protobuf. Full success is the empty message. */
export function encodeExportResponseProto(outcome: ExportOutcome): Uint8Array {
  if (outcome.rejected === 0 && outcome.message === '') return new Uint8Array(0);
  const partial = new ProtoWriter();
  if (outcome.rejected !== 0) partial.varint(1, outcome.rejected);
  if (outcome.message !== '') partial.string(2, outcome.message);
  return new ProtoWriter().message(1, partial).finish();
}

/**
 * The export response in OTLP/JSON; `countField` is `rejectedSpans`, `rejectedLogRecords` or `rejectedDataPoints`.
 * Full success is `{}`.
 */
export function encodeExportResponseJson(
  outcome: ExportOutcome,
  countField: 'rejectedSpans' | 'rejectedLogRecords' | 'rejectedDataPoints',
): string {
  if (outcome.rejected === 0 && outcome.message === '') return '{}';
  return JSON.stringify({ partialSuccess: { [countField]: String(outcome.rejected), errorMessage: outcome.message } });
}

/** gRPC status codes used in OTLP answers (and as `google.rpc.Status.code`). */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNIMPLEMENTED: 12,
} as const;

/** A `google.rpc.Status` in protobuf: the body OTLP/HTTP prescribes for errors. */
export function encodeStatusProto(code: number, message: string): Uint8Array {
  return new ProtoWriter().varint(1, code).string(2, message).finish();
}
