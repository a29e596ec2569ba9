import { parseArgs } from 'node:util';
import { MOCK_ANSWER, mockOpenAiFetch } from '../testing/mock-openai.js';
import { INSTRUMENTATIONS, type InstrumentationName, setUp } from './sdk-instrumentations.js';

/**
 * One child of `bench/sdk-overhead.ts`: sets one instrumentation up (or none), warms up, then
 * times sequential chat calls against the mock at --url in --blocks blocks, plain and streamed
 * in turn, and sends the parent what each call cost and how many spans were finished. Every
 * answer is checked, and whether content was captured.
 */
const { values: opts } = parseArgs({
  options: {
    instrumentation: { type: 'string' },
    content: { type: 'boolean', default: false },
    url: { type: 'string' },
    calls: { type: 'string' },
    'stream-calls': { type: 'string' },
    warmup: { type: 'string' },
    'warmup-streamed': { type: 'string' },
    blocks: { type: 'string', default: '1' },
  },
});
const name = opts.instrumentation as InstrumentationName;
if (!INSTRUMENTATIONS.includes(name) || !opts.url)
  throw new Error('usage: --instrumentation <name> --url <mock url | in-process> [--content]');

/** What one block of calls cost, per call. */
export interface BlockResult {
  calls: number;
  wallUs: number;
  cpuUs: number;
  /** Spans finished during the block. */
  spans: number;
}
/** The blocks of plain and of streamed calls, in order (they alternate). */
export interface ChildResult {
  plain: BlockResult[];
  streamed: BlockResult[];
  /** Requests the in-process mock answered (null with the HTTP mock, which counts them itself). */
  requests: number | null;
}

const instrumented = await setUp(name, opts.content);
// `in-process`: the mock's bytes through a fetch of its own, no socket in between.
const inProcess = opts.url === 'in-process' ? mockOpenAiFetch() : null;
const client = inProcess
  ? new instrumented.OpenAI({ baseURL: 'http://mock-openai.invalid/v1', apiKey: 'bench', maxRetries: 0, fetch: inProcess.fetch })
  : new instrumented.OpenAI({ baseURL: opts.url, apiKey: 'bench', maxRetries: 0 });
const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'What is the capital of France?' },
];

async function plain(): Promise<string> {
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0.2, messages });
  return completion.choices[0]?.message.content ?? '';
}

async function streamed(): Promise<string> {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    temperature: 0.2,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}

/**
 * Makes `calls` calls, `inFlight` at a time, checks every answer, and returns the spans finished
 * meanwhile. Spans are taken (dropped) after each call, so none pile up on the heap.
 */
async function callMany(calls: number, call: () => Promise<string>, inFlight = 1): Promise<number> {
  let next = 0;
  let spans = 0;
  const worker = async () => {
    while (next < calls) {
      const i = next++;
      const answer = await call();
      if (answer !== MOCK_ANSWER) throw new Error(`${name}: call ${i} answered ${JSON.stringify(answer)}, not the mock's answer`);
      spans += instrumented.takeSpans();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return spans;
}

/** Times a block of `calls` calls, one after the other. */
async function block(calls: number, call: () => Promise<string>): Promise<BlockResult> {
  instrumented.takeSpans();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let spans = await callMany(calls, call);
  const wallUs = ((performance.now() - start) * 1000) / calls;
  const used = process.cpuUsage(cpu);
  // A stream's span may end just after its consumer finished (OpenInference reads a tee'd copy).
  await new Promise((resolve) => setTimeout(resolve, 20));
  await instrumented.flush();
  spans += instrumented.takeSpans();
  checkContent();
  return { calls, wallUs, cpuUs: (used.user + used.system) / calls, spans };
}

/** Content capture is what was asked for: the answer is in the last call's spans (or log events) exactly when it is on. */
function checkContent(): void {
  if (name === 'baseline') return;
  if (instrumented.lastRecorded().includes(MOCK_ANSWER) !== opts.content)
    throw new Error(
      `${name}: content capture is ${opts.content ? 'on' : 'off'}, but the answer is ${opts.content ? 'missing from' : 'in'} its spans`,
    );
}

// Warm up until the JIT has settled (it takes some thousands of calls), 8 in flight to be quick.
await callMany(Number(opts.warmup), plain, 8);
await callMany(Number(opts['warmup-streamed']), streamed, 8);
await new Promise((resolve) => setTimeout(resolve, 20));
const blocks = Number(opts.blocks);
const result: ChildResult = { plain: [], streamed: [], requests: null };
for (let b = 0; b < blocks; b++) {
  result.plain.push(await block(Math.ceil(Number(opts.calls) / blocks), plain));
  result.streamed.push(await block(Math.ceil(Number(opts['stream-calls']) / blocks), streamed));
}
result.requests = inProcess?.requests() ?? null;
process.send?.(result, () => process.exit(0));
