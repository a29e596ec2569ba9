import { fromPlain, type InstrumentationScope, type KvList, type Resource } from '@sightline/core';

/**
 * The demo's services and instrumentation scopes, as the resources and scopes their SDKs would
 * send. Each is one shared object, so the spans of a service go out under one `ResourceSpans`.
 */

function attributes(plain: Record<string, string | number | boolean>): KvList {
  return fromPlain(plain) as KvList;
}

function service(name: string, version: string, language: 'python' | 'nodejs', sdkVersion: string): Resource {
  return {
    attributes: attributes({
      'service.name': name,
      'service.version': version,
      'service.namespace': 'acme',
      'deployment.environment.name': 'production',
      'telemetry.sdk.language': language,
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': sdkVersion,
      'host.name': `${name}-${language === 'python' ? '7d9f8c6b5-x2k4p' : '5b8c7d9f6-q8m2n'}`,
    }),
    droppedAttributesCount: 0,
    schemaUrl: '',
  };
}

const PY = '1.36.0';
const JS = '2.1.0';

export const SERVICES = {
  supportBot: service('support-bot', '2.4.1', 'python', PY),
  kbSearch: service('kb-search', '1.9.0', 'python', PY),
  codeAgent: service('code-agent', '0.18.3', 'nodejs', JS),
  summarizer: service('summarizer', '1.2.0', 'nodejs', JS),
  docIndexer: service('doc-indexer', '3.0.2', 'python', PY),
  triageWorker: service('triage-worker', '1.7.5', 'python', PY),
  webChat: service('web-chat', '4.2.0', 'nodejs', JS),
  ragApi: service('rag-api', '0.9.4', 'python', PY),
} as const;

function scope(name: string, version: string, schemaUrl = ''): InstrumentationScope {
  return { name, version, attributes: attributes({}), droppedAttributesCount: 0, schemaUrl };
}

const appScopes = new Map<string, InstrumentationScope>();

export const SCOPES = {
  /** The OpenTelemetry project's OpenAI instrumentation for Python (GenAI conventions). */
  openaiV2: scope('opentelemetry.instrumentation.openai_v2', '2.1b0', 'https://opentelemetry.io/schemas/1.28.0'),
  sightlineSdk: scope('@sightline/sdk', '0.1.0'),
  /** An application's own tracer: agent, tool and workflow spans. */
  app(name: string): InstrumentationScope {
    let found = appScopes.get(name);
    if (!found) appScopes.set(name, (found = scope(name, '')));
    return found;
  },
  fastapi: scope('opentelemetry.instrumentation.fastapi', '0.57b0'),
  httpx: scope('opentelemetry.instrumentation.httpx', '0.57b0'),
  http: scope('@opentelemetry/instrumentation-http', '0.203.0'),
  pg: scope('@opentelemetry/instrumentation-pg', '0.54.0'),
  nextjs: scope('next.js', '15.3.2'),
  vercelAi: scope('ai', ''),
  langchain: scope('openinference.instrumentation.langchain', '0.1.43'),
  traceloopOpenai: scope('opentelemetry.instrumentation.openai.v1', '0.40.14'),
  traceloopBedrock: scope('opentelemetry.instrumentation.bedrock', '0.40.14'),
  traceloopSdk: scope('traceloop.tracer', '0.40.14'),
};
