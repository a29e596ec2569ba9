import { BUILTIN_REDACTION_RULES } from '@sightline/storage';
import { errorResponse, json, jsonBody, query } from './openapi-parts.js';

const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const nullableInt = { type: ['integer', 'null'], minimum: 1 };

const redaction = {
  type: ['object', 'null'],
  properties: {
    builtins: { type: 'array', items: { enum: [...BUILTIN_REDACTION_RULES] } },
    patterns: { type: 'array', items: { type: 'object', required: ['name', 'regex'], properties: { name: str, regex: str } } },
    attribute_keys: { type: 'array', items: str },
  },
};

const settings = {
  type: 'object',
  properties: {
    retention_days: nullableInt,
    spans_per_second: nullableInt,
    spans_per_day: nullableInt,
    spans_per_month: nullableInt,
    redaction,
  },
};

const project = { type: 'object', properties: { name: str, created_at: str, settings } };
const key = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The public part of the key (sl_<12 hex>)' },
    project: nullableStr,
    role: { enum: ['project', 'admin'] },
    name: nullableStr,
    created_at: str,
    last_used_at: nullableStr,
    revoked_at: nullableStr,
  },
};

const deleted = { type: 'object', properties: { deleted_traces: { type: 'integer' }, deleted_spans: { type: 'integer' } } };

const needsAdmin = {
  '401': errorResponse('No valid key (where keys are required)'),
  '403': errorResponse('A project’s key: this needs an admin key'),
};
const adminNote = 'Admin only: an admin key, or no key on a loopback server where keys are optional.';

/** Logging in, projects, keys and the audit log in the OpenAPI document. */
export const accessPaths = {
  '/api/session': {
    get: {
      summary:
        'Who this request is: whether keys are required, and the role and project of the key or UI session presented; the OTLP/gRPC port',
      operationId: 'getSession',
      responses: {
        '200': json({
          type: 'object',
          properties: {
            auth_required: { type: 'boolean' },
            authenticated: { type: 'boolean' },
            role: { type: ['string', 'null'], enum: ['project', 'admin', 'local', null] },
            project: nullableStr,
            key_id: nullableStr,
            otlp_grpc_port: { type: ['integer', 'null'], description: 'The port this server takes OTLP/gRPC on' },
          },
        }),
      },
    },
    post: {
      summary: 'Log the web UI in with a key: sets an HttpOnly, SameSite=Strict session cookie (Secure behind an https --public-url)',
      operationId: 'login',
      requestBody: jsonBody({ type: 'object', required: ['api_key'], properties: { api_key: str } }),
      responses: {
        '200': json({ type: 'object', properties: { role: str, project: nullableStr, key_id: nullableStr } }),
        '400': errorResponse('No api_key, or authentication is off'),
        '401': errorResponse('The key is not valid'),
        '429': errorResponse('Too many refused keys from this address; retry after Retry-After seconds'),
      },
    },
    delete: {
      summary: 'Log out: ends the UI session and clears its cookie',
      operationId: 'logout',
      responses: { '204': { description: 'Logged out' } },
    },
  },
  '/api/projects': {
    get: {
      summary: 'Every project, with its settings',
      operationId: 'listProjects',
      description: adminNote,
      responses: { '200': json({ type: 'object', properties: { data: { type: 'array', items: project } } }), ...needsAdmin },
    },
    post: {
      summary: 'Create a project',
      operationId: 'createProject',
      description: adminNote,
      requestBody: jsonBody({ ...settings, required: ['name'], properties: { name: str, ...settings.properties } }),
      responses: {
        '201': json(project, 'Created'),
        '400': errorResponse('A bad name or setting'),
        '409': errorResponse('The project exists'),
        ...needsAdmin,
      },
    },
  },
  '/api/projects/{name}': {
    get: {
      summary: 'One project',
      operationId: 'getProject',
      description: adminNote,
      parameters: [{ name: 'name', in: 'path', required: true, schema: str }],
      responses: { '200': json(project), '404': errorResponse('No such project'), ...needsAdmin },
    },
    patch: {
      summary: 'Change a project’s settings: the fields given are set (null clears one), the rest kept',
      operationId: 'updateProject',
      description: adminNote,
      parameters: [{ name: 'name', in: 'path', required: true, schema: str }],
      requestBody: jsonBody(settings),
      responses: { '200': json(project), '400': errorResponse('A bad setting'), '404': errorResponse('No such project'), ...needsAdmin },
    },
  },
  '/api/keys': {
    get: {
      summary: 'API keys (never the keys themselves): every key, or those of the project chosen with X-Sightline-Project or ?project=',
      operationId: 'listKeys',
      description: adminNote,
      responses: { '200': json({ type: 'object', properties: { data: { type: 'array', items: key } } }), ...needsAdmin },
    },
    post: {
      summary: 'Create a key; the answer is the only time the whole key is shown',
      operationId: 'createKey',
      description: `${adminNote} A project that does not exist is created with its first key.`,
      requestBody: jsonBody({
        type: 'object',
        properties: { project: str, name: str, role: { enum: ['project', 'admin'], default: 'project' } },
      }),
      responses: {
        '201': json(
          { type: 'object', properties: { ...key.properties, key: str, project_created: { type: 'boolean' } } },
          'Created: the key is in "key"',
        ),
        '400': errorResponse('No project, or a bad name'),
        ...needsAdmin,
      },
    },
  },
  '/api/keys/{id}': {
    delete: {
      summary: 'Revoke a key: it is refused from then on, and UI sessions opened with it end',
      operationId: 'revokeKey',
      description: adminNote,
      parameters: [{ name: 'id', in: 'path', required: true, schema: str }],
      responses: { '200': json(key), '404': errorResponse('No such key'), ...needsAdmin },
    },
  },
  '/api/usage': {
    get: {
      summary: 'Spans the project sent today, this month and on each of the last 31 days (UTC), against its limits',
      operationId: 'getUsage',
      responses: {
        '200': json({
          type: 'object',
          properties: {
            project: str,
            limits: {
              type: 'object',
              properties: { spans_per_second: nullableInt, spans_per_day: nullableInt, spans_per_month: nullableInt },
            },
            retention_days: nullableInt,
            spans_today: { type: 'integer' },
            spans_this_month: { type: 'integer' },
            days: { type: 'array', items: { type: 'object', properties: { day: str, spans: { type: 'integer' } } } },
          },
        }),
        '401': errorResponse('No valid key (where keys are required)'),
      },
    },
  },
  '/api/audit': {
    get: {
      summary: 'The audit log of admin actions, newest first (of the chosen project, or all)',
      operationId: 'listAudit',
      description: adminNote,
      parameters: [
        query('limit', 'Entries (default 100)', { type: 'integer', minimum: 1, maximum: 1000 }),
        query('before', 'next_before of the previous page', { type: 'integer', minimum: 1 }),
      ],
      responses: {
        '200': json({
          type: 'object',
          properties: {
            data: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'integer' },
                  at: str,
                  actor: str,
                  action: str,
                  project: nullableStr,
                  target: nullableStr,
                  detail: { type: 'object' },
                },
              },
            },
            next_before: { type: ['integer', 'null'] },
          },
        }),
        ...needsAdmin,
      },
    },
  },
};

/** The DELETE operations of paths whose GET is described elsewhere: merged into them (see `withOperations`). */
export const deletePaths = {
  '/api/traces/{trace_id}': {
    delete: {
      summary: 'Delete a trace: its spans, LLM calls, log records, search text and its share of every total (audited)',
      operationId: 'deleteTrace',
      description: `${adminNote} In the project chosen with X-Sightline-Project or ?project=.`,
      parameters: [{ name: 'trace_id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{32}$' } }],
      responses: { '200': json(deleted), '404': errorResponse('No such trace in the project'), ...needsAdmin },
    },
  },
  '/api/sessions/{session_id}': {
    delete: {
      summary: 'Delete every trace of a session (audited)',
      operationId: 'deleteSession',
      description: adminNote,
      parameters: [{ name: 'session_id', in: 'path', required: true, schema: str }],
      responses: { '200': json(deleted), '404': errorResponse('No trace of that session in the project'), ...needsAdmin },
    },
  },
  '/api/users/{user_id}': {
    delete: {
      summary: 'Delete every trace of a user, as a data-subject request asks (audited)',
      operationId: 'deleteUser',
      description: adminNote,
      parameters: [{ name: 'user_id', in: 'path', required: true, schema: str }],
      responses: { '200': json(deleted), '404': errorResponse('No trace of that user in the project'), ...needsAdmin },
    },
  },
};
