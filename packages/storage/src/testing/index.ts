export { describeAccessConformance } from './access-conformance.js';
export { ingestCalls, type LlmSpanSpec, llmSpan } from './call-conformance.js';
export { describeStorageConformance } from './conformance.js';
export { metricPoint } from './otel-metrics-conformance.js';
export * from './span-builder.js';
