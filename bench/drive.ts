// Drives load at a running server: tsx bench/drive.ts <otlp-http-base> <requests> [concurrency]

import { protobufTemplate, templateSpans } from './llm-spans.js';
import { httpLoad } from './load.js';

const [base, n, c] = process.argv.slice(2);
const r = await httpLoad(`${base}/v1/traces`, 'application/x-protobuf', protobufTemplate(templateSpans(512)), Number(n), Number(c ?? 4));
console.log(`${Math.round(r.spansPerSecond)} spans/s over ${r.spans} spans`);
