import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { startMockAnthropic } from '../../../testing/mock-anthropic.js';
import { startMockGemini } from '../../../testing/mock-gemini.js';
import { startMockOpenAi } from '../../../testing/mock-openai.js';

/** The built package loads both ways, as an app would load it (run from the repository, so `@sightline/sdk` resolves). */
const root = fileURLToPath(new URL('../../..', import.meta.url));
const probe = `const s = SDK; const sdk = s.init({ exporter: 'memory', autoInstrument: false });
const f = s.observe((x) => x * 2, { name: 'double' });
f(21); sdk.flush().then(() => { console.log(JSON.stringify({ keys: Object.keys(s).sort(), spans: sdk.memory.spans.map((x) => x.name) })); return sdk.shutdown(); });`;

const run = (args: string[]) => JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }));

it('imports as ESM and requires as CommonJS, with type declarations for both', () => {
  const esm = run(['--input-type=module', '-e', `import * as SDK from '@sightline/sdk'; ${probe}`]);
  const cjs = run(['-e', `const SDK = require('@sightline/sdk'); ${probe}`]);
  for (const r of [esm, cjs]) {
    expect(r.spans).toEqual(['double']);
    expect(r.keys).toEqual(
      expect.arrayContaining([
        'init',
        'instrument',
        'uninstrument',
        'observe',
        'session',
        'withSession',
        'setLabels',
        'addLabel',
        'removeLabel',
        'getLabels',
        'MemoryExporter',
      ]),
    );
  }
  for (const d of ['esm', 'cjs']) expect(existsSync(fileURLToPath(new URL(`../dist/${d}/index.d.ts`, import.meta.url)))).toBe(true);
});

it('a CommonJS app: init() patches the required providers before its first call', async () => {
  const [openai, anthropic, gemini] = await Promise.all([startMockOpenAi(), startMockAnthropic(), startMockGemini()]);
  try {
    const app = `const sdk = require('@sightline/sdk').init({ exporter: 'memory' });
const OpenAI = require('openai'); const Anthropic = require('@anthropic-ai/sdk'); const { GoogleGenAI } = require('@google/genai');
const calls = [
  new OpenAI({ baseURL: '${openai.url}', apiKey: 'k' }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  new Anthropic({ baseURL: '${anthropic.url}', apiKey: 'k' }).messages.create({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
  new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: '${gemini.url}' } }).models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }),
];
Promise.all(calls).then(async () => { await sdk.flush(); console.log(JSON.stringify({ ready: await sdk.ready,
  spans: sdk.memory.spans.filter((s) => s.instrumentationScope.name === '@sightline/sdk').map((s) => s.name).sort() })); return sdk.shutdown(); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', app], { cwd: root, encoding: 'utf8' });
    const r = JSON.parse(stdout);
    expect(r.ready).toEqual(expect.arrayContaining(['openai (CommonJS)', '@anthropic-ai/sdk (CommonJS)', '@google/genai (CommonJS)']));
    expect(r.spans).toEqual(['chat claude-sonnet-4-5', 'chat gpt-4o-mini', 'generate_content gemini-2.5-flash']);
  } finally {
    await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
  }
});
