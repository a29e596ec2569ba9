import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type MockOpenAi, startMockOpenAi } from '../../../testing/mock-openai.js';
import type { ExportDocument } from '../src/file/export-document.js';
import { init, instrument, observe, type Sightline, withSession } from '../src/index.js';

/** The JSON file export: one document per flush, with sessions, spans and trace trees. */
let mock: MockOpenAi;
let sdk: Sightline | null = null;
const dir = mkdtempSync(join(tmpdir(), 'sightline-file-export-'));
const read = (path: string): ExportDocument => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(async () => {
  mock = await startMockOpenAi();
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await sdk?.shutdown();
  sdk = null;
});

it('flush({ file }) writes sessions, spans and the nested trace tree, creating directories', async () => {
  sdk = init({ exporter: 'file', autoInstrument: false, captureContent: true, labels: { team: 'search' } });
  const client = instrument(new OpenAI({ baseURL: mock.url, apiKey: 'k', maxRetries: 0 }));
  const agent = observe(
    async (question: string) => {
      const c = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] });
      return c.choices[0]?.message.content;
    },
    { name: 'answer', kind: 'agent' },
  );
  await withSession({ sessionId: 'conv-42', name: 'Trip planning', userId: 'ana', labels: { plan: 'pro' } }, () => agent('Capital?'));
  const path = join(dir, 'nested', 'deeper', 'run.json');
  expect(await sdk.flush({ file: path })).toBe(path);

  const doc = read(path);
  expect(doc).toMatchObject({ format: 'sightline-export', version: 1 });
  expect(doc.resource.attributes['service.name']).toBe('unknown_service:node');
  expect(doc.sessions).toHaveLength(1);
  const [session] = doc.sessions;
  expect(session).toMatchObject({ id: 'conv-42', name: 'Trip planning', user_id: 'ana', span_count: 2 });
  expect(session?.labels).toMatchObject({ team: 'search', plan: 'pro', sightline_sdk_version: '0.1.0' });
  expect(Date.parse(session?.end ?? '')).toBeGreaterThanOrEqual(Date.parse(session?.start ?? ''));
  expect(doc.spans.map((s) => s.name)).toEqual(['answer', 'chat gpt-4o-mini']);
  const [outer, chat] = doc.spans;
  expect(chat).toMatchObject({ kind: 'client', parent_span_id: outer?.span_id, status: { code: 'unset' }, flags: 1, trace_state: '' });
  expect(chat?.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 24, 'session.id': 'conv-42', 'user.id': 'ana' });
  expect(BigInt(chat?.end_time_unix_nano ?? 0) - BigInt(chat?.start_time_unix_nano ?? 0)).toBeGreaterThan(0n);
  expect(doc.traces).toEqual([
    {
      trace_id: outer?.trace_id,
      roots: [{ span_id: outer?.span_id, name: 'answer', children: [{ span_id: chat?.span_id, name: 'chat gpt-4o-mini', children: [] }] }],
    },
  ]);

  // The next flush has only what came since; with nothing new, no file unless one is named.
  expect(await sdk.flush()).toBeNull();
  const empty = join(dir, 'empty.json');
  await sdk.flush({ file: empty });
  expect(read(empty)).toMatchObject({ sessions: [], spans: [], traces: [] });
});

it('SIGHTLINE_OUT as a directory: <session-id>.json inside it', async () => {
  const out = join(dir, 'runs/');
  process.env.SIGHTLINE_OUT = out;
  try {
    sdk = init({ autoInstrument: false });
  } finally {
    delete process.env.SIGHTLINE_OUT;
  }
  expect(sdk.config.exporter).toBe('file');
  withSession({ sessionId: 'user/42: chat' }, () => observe(() => 1, { name: 'step' })());
  const path = await sdk.flush();
  expect(path).toBe(join(out, 'user_42__chat.json'));
  expect(read(path as string).sessions[0]?.id).toBe('user/42: chat');
});

it('a file flushed to again keeps what it had: the new spans are added', async () => {
  const path = join(dir, 'twice.json');
  sdk = init({ out: path, autoInstrument: false });
  const step = observe((n: number) => n, { name: 'step' });
  await withSession({ sessionId: 'conv-twice', name: 'Twice' }, async () => {
    step(1);
    await sdk?.flush();
    step(2);
  });
  await sdk.flush();
  const doc = read(path);
  expect(doc.spans).toHaveLength(2);
  expect(doc.sessions).toMatchObject([{ id: 'conv-twice', name: 'Twice', span_count: 2 }]);
  // One line per span: the file stays readable line by line, however large.
  expect(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"kind":"internal"')),
  ).toHaveLength(2);
});

it('says what to do when flush({ file }) is asked of another exporter', async () => {
  sdk = init({ exporter: 'memory', autoInstrument: false });
  await expect(sdk.flush({ file: join(dir, 'x.json') })).rejects.toThrow(/exporter is "memory".*exporter: 'file'/);
  expect(existsSync(join(dir, 'x.json'))).toBe(false);
});

it('writes the file when the app ends, even by process.exit()', async () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const app = `const s = require('@sightline/sdk'); s.init({ out: ${JSON.stringify(`${dir}/exit/`)}, autoInstrument: false });
s.session('conv-exit', () => s.observe(() => 1, { name: 'work' })()); process.exit(0);`;
  await promisify(execFile)(process.execPath, ['-e', app], { cwd: root });
  const doc = read(join(dir, 'exit', 'conv-exit.json'));
  expect(doc.spans.map((s) => s.name)).toEqual(['work']);
});
