import type { IncomingMessage } from 'node:http';
import {
  type DecodedLogs,
  type DecodedMetrics,
  type DecodedTraces,
  DecodeError,
  decodeLogsJson,
  decodeLogsJsonInSteps,
  decodeLogsProto,
  decodeLogsProtoInSteps,
  decodeMetricsJson,
  decodeMetricsJsonInSteps,
  decodeMetricsProto,
  decodeMetricsProtoInSteps,
  decodeTracesJson,
  decodeTracesJsonInSteps,
  decodeTracesProto,
  decodeTracesProtoInSteps,
  type ExportOutcome,
  encodeExportResponseJson,
  encodeExportResponseProto,
  logRejectionSummary,
  metricRejectionSummary,
  rejectionSummary,
} from '@sightline/core';
import type { BodyHold } from '../http/body-budget.js';
import { HttpError } from '../http/http-error.js';
import { readBody } from '../http/read-body.js';
import { sendBytes, sendJson } from '../http/respond.js';
import type { Handler } from '../http/router.js';
import { DECODE_IN_ONE_GO_BYTES, nextTurn, SPANS_PER_STEP } from '../ingest/in-steps.js';
import type { Ingest } from '../ingest/ingest.js';
import { type OtlpFormat, otlpFormatOf, sendOtlpError, sendOtlpHttpError } from './otlp-format.js';

/** What one OTLP signal needs: its two decoders, how to commit what was decoded, and how to report refusals. */
export interface Signal<D> {
  readonly decodeProto: (body: Uint8Array) => D | Promise<D>;
  readonly decodeJson: (text: string) => D | Promise<D>;
  readonly accept: (ingest: Ingest, project: string, decoded: D) => Promise<HttpError | null>;
  readonly outcome: (decoded: D) => ExportOutcome;
  readonly countField: 'rejectedSpans' | 'rejectedLogRecords' | 'rejectedDataPoints';
  /** Spans, which projects' limits count: a project already over its limit is refused before its body is read. */
  readonly limited?: boolean;
}

/**
 * An OTLP/HTTP export endpoint: protobuf or JSON, optionally gzipped. Answers only after the
 * accepted data is committed; invalid items are reported in `partial_success`.
 */
function otlpHandler<D>(signal: Signal<D>, ingest: Ingest, maxBodyBytes: number): Handler {
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
    if (signal.limited) {
      const early = await ingest.refusalBeforeReading(ingest.projectOf(req));
      if (early) {
        // Not read, not decoded: a client that ignores Retry-After costs little more than the bytes.
        req.resume();
        return sendOtlpHttpError(res, format, early);
      }
    }
    const hold = ingest.bodies.hold();
    try {
      let accepting: Accepting;
      try {
        accepting = await readAndAccept(signal, ingest, req, format, maxBodyBytes, hold);
      } catch (err) {
        if (err instanceof HttpError) return sendOtlpHttpError(res, format, err);
        if (err instanceof DecodeError)
          return sendOtlpError(res, format, 400, 'invalid_argument', `cannot decode the request: ${err.message}`);
        throw err;
      }
      const failure = await accepting.committing;
      if (failure) return sendOtlpHttpError(res, format, failure);
      if (format === 'protobuf') sendBytes(res, 200, 'application/x-protobuf', encodeExportResponseProto(accepting.outcome));
      else sendJson(res, 200, encodeExportResponseJson(accepting.outcome, signal.countField));
    } finally {
      hold.release();
    }
  };
}

/** Reads and decodes a request's body and starts committing it (see {@link startAccept}). */
async function readAndAccept<D>(
  signal: Signal<D>,
  ingest: Ingest,
  req: IncomingMessage,
  format: OtlpFormat,
  maxBodyBytes: number,
  hold: BodyHold,
): Promise<Accepting> {
  const body = await readBody(req, maxBodyBytes, hold);
  const decoded = format === 'protobuf' ? await signal.decodeProto(body) : await signal.decodeJson(body.toString('utf8'));
  return startAccept(signal, ingest, ingest.projectOf(req), decoded);
}

/** A request's data on its way to the store: the commit to await, and the answer's outcome, read beforehand. */
export interface Accepting {
  readonly committing: Promise<HttpError | null>;
  readonly outcome: ExportOutcome;
}

/**
 * Starts committing what a request decoded, and reads its outcome now, so that the caller
 * awaits the commit holding neither: an async function suspended with the decoded items in a
 * variable keeps them all alive until the commit ends, long after the store has prepared them
 * — a request's worth of objects for every request in flight.
 */
export function startAccept<D>(signal: Signal<D>, ingest: Ingest, project: string, decoded: D): Accepting {
  const outcome = signal.outcome(decoded);
  return { committing: signal.accept(ingest, project, decoded), outcome };
}

export const TRACES: Signal<DecodedTraces> = {
  limited: true,
  decodeProto: (body) =>
    body.length > DECODE_IN_ONE_GO_BYTES ? decodeTracesProtoInSteps(body, SPANS_PER_STEP, nextTurn) : decodeTracesProto(body),
  decodeJson: (text) =>
    text.length > DECODE_IN_ONE_GO_BYTES ? decodeTracesJsonInSteps(text, SPANS_PER_STEP, nextTurn) : decodeTracesJson(text),
  accept: (ingest, project, decoded) => ingest.accept(project, decoded.spans),
  outcome: (decoded) => ({ rejected: decoded.rejectedSpans, message: rejectionSummary(decoded) }),
  countField: 'rejectedSpans',
};

export const LOGS: Signal<DecodedLogs> = {
  decodeProto: (body) =>
    body.length > DECODE_IN_ONE_GO_BYTES ? decodeLogsProtoInSteps(body, SPANS_PER_STEP, nextTurn) : decodeLogsProto(body),
  decodeJson: (text) =>
    text.length > DECODE_IN_ONE_GO_BYTES ? decodeLogsJsonInSteps(text, SPANS_PER_STEP, nextTurn) : decodeLogsJson(text),
  accept: (ingest, project, decoded) => ingest.acceptLogs(project, decoded.records),
  outcome: (decoded) => ({ rejected: decoded.rejectedRecords, message: logRejectionSummary(decoded) }),
  countField: 'rejectedLogRecords',
};

export const METRICS: Signal<DecodedMetrics> = {
  decodeProto: (body) =>
    body.length > DECODE_IN_ONE_GO_BYTES ? decodeMetricsProtoInSteps(body, SPANS_PER_STEP, nextTurn) : decodeMetricsProto(body),
  decodeJson: (text) =>
    text.length > DECODE_IN_ONE_GO_BYTES ? decodeMetricsJsonInSteps(text, SPANS_PER_STEP, nextTurn) : decodeMetricsJson(text),
  accept: (ingest, project, decoded) => ingest.acceptMetrics(project, decoded.points),
  outcome: (decoded) => ({ rejected: decoded.rejectedPoints, message: metricRejectionSummary(decoded) }),
  countField: 'rejectedDataPoints',
};

/** `POST /v1/traces`. */
export const otlpTracesHandler = (ingest: Ingest, maxBodyBytes: number): Handler => otlpHandler(TRACES, ingest, maxBodyBytes);

/** `POST /v1/logs`. */
export const otlpLogsHandler = (ingest: Ingest, maxBodyBytes: number): Handler => otlpHandler(LOGS, ingest, maxBodyBytes);

/** `POST /v1/metrics`. */
export const otlpMetricsHandler = (ingest: Ingest, maxBodyBytes: number): Handler => otlpHandler(METRICS, ingest, maxBodyBytes);
