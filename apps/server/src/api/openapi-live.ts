import { callFilters } from './openapi-llm.js';
import { errorResponse, query } from './openapi-parts.js';

/** `GET /api/live` in the OpenAPI document. */
export const livePaths = {
  '/api/live': {
    get: {
      summary: 'Server-Sent Events of new LLM calls and finished traces',
      operationId: 'live',
      description: [
        'A text/event-stream. Each event is `id: <n>`, `event: <kind>`, `data: <one line of JSON>`; ids are increasing integers.',
        '`call`: an LLM call once its span is committed, as GET /api/llm-calls lists it, without content (input_messages, output_messages and tool_calls null, parameters and provenance empty: GET /api/llm-calls/{span_id} has them); counted and duplicate_of are decided among the calls that arrived together.',
        '`trace`: a trace summary, as GET /api/traces lists it, once the trace’s root span is stored, and again (at most once a second) when later spans change it.',
        '`reset`: the events after the Last-Event-ID given are no longer known: fetch the lists again (the stream goes on).',
        '`dropped`: the last event before the server ends the stream of a client that fell more than 1 MiB of events behind.',
        'A `: ping` comment comes every 15 s. Filters are those of GET /api/llm-calls; on trace events, start/end, trace_id, service (the root span’s), session_id, user_id, status (error: a failed span), min_cost_usd and min_duration_ms apply, and provider, model, operation, route, attr.* and resource.* leave trace events out.',
      ].join(' '),
      parameters: [
        ...callFilters,
        query('events', 'Which events: call, trace, or both comma-separated (default both; trace events only without call-only filters)'),
        query('last_event_id', 'Resume after this event (the Last-Event-ID header wins when both are given)', {
          type: 'string',
          pattern: '^[0-9]+$',
        }),
        {
          name: 'Last-Event-ID',
          in: 'header',
          required: false,
          description: 'Resume after this event: the events kept since are sent first, or a reset event',
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        '400': errorResponse('A query parameter is malformed, unknown, or a call-only filter with events=trace; the message names it'),
        '503': errorResponse('The server is shutting down'),
      },
    },
  },
};
