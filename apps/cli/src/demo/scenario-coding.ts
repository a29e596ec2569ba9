import { type CallPlan, type ChatMessage, MODELS, planCall, type ToolCall, toolCallId } from './model-calls.js';
import type { Random } from './random.js';
import { genAiAgent, genAiCall, genAiTool, type RecordContext } from './record-genai.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { SCOPES, SERVICES } from './services.js';
import type { DraftSpan, TraceBuilder } from './trace-builder.js';

/**
 * A coding agent (TypeScript, Anthropic through @sightline/sdk, GenAI conventions) works on a
 * task: sometimes an o3-mini plan first (reasoning tokens), then Claude calls tools — search,
 * read, edit, run the tests, which fail once in most runs — and sums up. Anthropic's prompt cache
 * is written on the first call and read on the next ones. Now and then a long run: a migration
 * over dozens of files with a sub-agent, a few hundred spans.
 */

interface Task {
  readonly prompt: string;
  readonly search: string;
  readonly file: string;
  readonly source: string;
  readonly edit: { readonly old: string; readonly new: string };
  readonly tests: string;
  readonly failure: string;
  readonly fix: { readonly old: string; readonly new: string };
  readonly summary: string;
}

const TASKS: readonly Task[] = [
  {
    prompt: 'Fix the failing test in src/invoices/totals.test.ts — invoice totals are off by a cent.',
    search: 'invoiceTotal',
    file: 'src/invoices/totals.ts',
    source:
      'export function invoiceTotal(lines: InvoiceLine[]): number {\n  return lines.reduce((sum, l) => sum + l.quantity * l.unitPrice * (1 + l.taxRate), 0);\n}',
    edit: { old: 'return lines.reduce(', new: 'return roundCurrency(lines.reduce(' },
    tests: 'src/invoices',
    failure:
      'FAIL src/invoices/totals.test.ts\n  ● invoiceTotal › rounds each line before summing\n    Expected: 107.01\n    Received: 107.02\nTests: 1 failed, 42 passed, 43 total',
    fix: { old: 'sum + l.quantity * l.unitPrice', new: 'sum + roundCurrency(l.quantity * l.unitPrice' },
    summary:
      'Fixed the off-by-a-cent totals: `invoiceTotal` summed unrounded floating-point amounts. Each line is now rounded to cents with `roundCurrency` before summing, which matches how invoices are printed. All 43 tests in src/invoices pass.',
  },
  {
    prompt: 'createCustomer() accepts an empty email. Add validation and a test.',
    search: 'export async function createCustomer',
    file: 'src/customers/create.ts',
    source:
      'export async function createCustomer(input: NewCustomer): Promise<Customer> {\n  const customer = { id: newId("cus"), ...input, createdAt: new Date() };\n  await db.customers.insert(customer);\n  return customer;\n}',
    edit: {
      old: 'const customer = {',
      new: 'if (!isEmail(input.email)) throw new ValidationError("email", "must be a valid email address");\n  const customer = {',
    },
    tests: 'src/customers',
    failure:
      'FAIL src/customers/create.test.ts\n  ● createCustomer › imports legacy customers without email\n    ValidationError: email must be a valid email address\nTests: 1 failed, 18 passed, 19 total',
    fix: { old: 'if (!isEmail(input.email))', new: 'if (input.email !== null && !isEmail(input.email))' },
    summary:
      '`createCustomer` now rejects empty or malformed emails with a `ValidationError` (a `null` email is still allowed for legacy imports, which a test relies on). Added two tests for the new checks; the customers suite passes (21 tests).',
  },
  {
    prompt: 'GET /health returns 500 when Redis is down. It should report "degraded" with 200 instead.',
    search: "router.get('/health'",
    file: 'src/http/health.ts',
    source: "router.get('/health', async (_req, res) => {\n  await redis.ping();\n  res.json({ status: 'ok', db: await db.ping() });\n});",
    edit: {
      old: 'await redis.ping();',
      new: "const cache = await redis.ping().then(() => 'ok', () => 'unavailable');",
    },
    tests: 'src/http',
    failure:
      'FAIL src/http/health.test.ts\n  ● GET /health › reports degraded when the cache is down\n    Expected: "degraded"\n    Received: "ok"\nTests: 1 failed, 11 passed, 12 total',
    fix: {
      old: "res.json({ status: 'ok',",
      new: "res.json({ status: cache === 'ok' ? 'ok' : 'degraded', cache,",
    },
    summary:
      '`GET /health` no longer fails when Redis is down: the ping is caught, the answer is 200 with `status: "degraded"` and `cache: "unavailable"`. Kubernetes keeps the pod in rotation while the database is fine. Tests in src/http pass (12).',
  },
  {
    prompt: 'Add retries with exponential backoff to the webhook sender (max 5 attempts).',
    search: 'async function deliverWebhook',
    file: 'src/webhooks/deliver.ts',
    source:
      'export async function deliverWebhook(endpoint: Endpoint, event: WebhookEvent): Promise<void> {\n  const res = await fetch(endpoint.url, { method: "POST", body: JSON.stringify(event), headers: sign(event, endpoint.secret) });\n  if (!res.ok) throw new DeliveryError(res.status);\n}',
    edit: { old: 'const res = await fetch(', new: 'const res = await withBackoff({ attempts: 5, baseMs: 500 }, () => fetch(' },
    tests: 'src/webhooks',
    failure:
      'FAIL src/webhooks/deliver.test.ts\n  ● deliverWebhook › does not retry 4xx answers\n    expect(fetch).toHaveBeenCalledTimes(1)\n    Received number of calls: 5\nTests: 1 failed, 9 passed, 10 total',
    fix: { old: '{ attempts: 5, baseMs: 500 }', new: '{ attempts: 5, baseMs: 500, retryIf: (err) => isRetryable(err) }' },
    summary:
      'Webhook deliveries now retry up to 5 times with exponential backoff (0.5 s, 1 s, 2 s, 4 s, with jitter) on network errors, 429 and 5xx answers; 4xx answers fail at once. Added tests for both paths; the webhooks suite passes (11 tests).',
  },
];

const SYSTEM =
  'You are a coding agent working in the acme/billing-service repository (TypeScript, Node 20, vitest). Use the tools to search, read and edit files and to run tests. Make the smallest change that solves the task, keep the existing style, run the relevant tests before you finish, and end with a short summary of what you changed and why.';

/** Tokens of the tool definitions sent with every call. */
const TOOLS_TOKENS = 2_650;

const TOOL_DESCRIPTIONS: Record<string, string> = {
  search_code: 'Searches the repository with ripgrep',
  read_file: 'Reads a file of the repository',
  edit_file: 'Replaces text in a file',
  run_tests: 'Runs vitest on a path',
};

/** One agent session's model conversation, with Anthropic's prompt cache kept between calls. */
class AgentLoop {
  readonly messages: ChatMessage[];
  private previousInput = 0;
  /** Messages dropped from what is recorded (context compaction on long runs), as tokens. */
  private compacted = 0;

  constructor(
    private readonly ctx: ScenarioContext,
    private readonly parent: DraftSpan,
    private readonly record: RecordContext,
    private readonly app: RecordContext,
    task: string,
    private readonly model = MODELS.sonnet,
  ) {
    this.messages = [{ role: 'user', content: task }];
  }

  /** Asks the model; it answers with a tool call, which is run, or with its final text. */
  step(output: ChatMessage, finish: 'tool_calls' | 'stop', streaming: boolean): CallPlan {
    const { rng, trace } = this.ctx;
    const first = this.previousInput === 0;
    const plan = planCall(rng, this.model, {
      system: SYSTEM,
      messages: this.messages,
      output,
      finish,
      streaming,
      temperature: 0,
      maxTokens: 8192,
      extraInputTokens: TOOLS_TOKENS + this.compacted,
      // The first call of a session writes the instructions and tools to the cache (unless a recent
      // session did); every later call reads what the previous one sent and writes what is new.
      cachedPrefixTokens: first ? (rng.chance(0.5) ? TOOLS_TOKENS : 0) : this.previousInput,
      cacheWriteTokens: 'rest',
    });
    genAiCall(trace, this.parent, plan, this.record);
    this.previousInput = plan.inputTokens ?? 0;
    this.messages.push(output);
    return plan;
  }

  /** Runs a tool the model asked for and sends its result back. */
  tool(
    call: ToolCall,
    result: string,
    durationMs: number,
    error?: { type: string; message: string },
    body?: (span: DraftSpan) => void,
  ): void {
    genAiTool(this.ctx.trace, this.parent, call, { result, durationMs, error, description: TOOL_DESCRIPTIONS[call.name] }, this.app, body);
    this.messages.push({ role: 'tool', toolCallId: call.id, toolName: call.name, content: result });
    this.compact();
  }

  /** Long runs keep the task and the last few messages, as agents compact their context. */
  private compact(): void {
    while (this.messages.length > 9) {
      const [dropped] = this.messages.splice(1, 1);
      this.compacted += Math.round((dropped?.content?.length ?? 200) / 3.8) + 6;
    }
  }

  call(name: string, args: Record<string, unknown>): ToolCall {
    return { id: toolCallId(this.ctx.rng, this.model), name, arguments: args };
  }
}

function runTests(t: TraceBuilder, rng: Random, path: string, failing: boolean, app: RecordContext): (span: DraftSpan) => void {
  return (tool) => {
    const span = t.span(tool, `npx vitest run ${path}`, {
      resource: app.resource,
      scope: SCOPES.app('code-agent.sandbox'),
      durationMs: rng.between(3_500, 14_000),
      attributes: {
        'process.executable.name': 'npx',
        'process.command_args': ['npx', 'vitest', 'run', path],
        'process.exit.code': failing ? 1 : 0,
      },
    });
    if (failing) span.fail('CommandFailedError', 'npx vitest exited with code 1');
  };
}

export const codingScenario: Scenario = {
  name: 'coding-agent',
  weight: 12,
  inTour: true,
  run(ctx: ScenarioContext): void {
    const { rng, trace: t } = ctx;
    const task = rng.pick(TASKS);
    const userId = ctx.user();
    const sessionId = `run_${rng.hex(12)}`;
    const app: RecordContext = { resource: SERVICES.codeAgent, scope: SCOPES.app('code-agent'), sessionId, userId };
    const sdk: RecordContext = { ...app, scope: SCOPES.sightlineSdk };
    const failing = ctx.showcase || rng.chance(0.6);
    const streaming = rng.chance(0.5);

    genAiAgent(
      t,
      null,
      { name: 'code-agent', id: 'code-agent@0.18', description: 'Edits the repository to complete a task' },
      app,
      (agent) => {
        agent.set({ 'code_agent.repository': 'acme/billing-service', 'code_agent.task': task.prompt });
        if (ctx.showcase || rng.chance(0.35)) plan(ctx, agent, task.prompt, sdk);
        const loop = new AgentLoop(ctx, agent, sdk, app, task.prompt);
        const search = loop.call('search_code', { query: task.search });
        loop.step({ role: 'assistant', content: 'Let me find where this is implemented.', toolCalls: [search] }, 'tool_calls', streaming);
        loop.tool(search, `${task.file}:12:${task.search}`, rng.between(40, 220));
        const read = loop.call('read_file', { path: task.file });
        loop.step({ role: 'assistant', toolCalls: [read] }, 'tool_calls', streaming);
        loop.tool(read, task.source, rng.between(1, 6));
        const edit = loop.call('edit_file', { path: task.file, old_str: task.edit.old, new_str: task.edit.new });
        loop.step({ role: 'assistant', content: 'I see the problem. Applying a fix.', toolCalls: [edit] }, 'tool_calls', streaming);
        loop.tool(edit, `Applied 1 edit to ${task.file}`, rng.between(2, 9));
        const test = loop.call('run_tests', { path: task.tests });
        loop.step({ role: 'assistant', toolCalls: [test] }, 'tool_calls', streaming);
        if (failing) {
          loop.tool(
            test,
            task.failure,
            0,
            { type: 'CommandFailedError', message: 'npx vitest exited with code 1' },
            runTests(t, rng, task.tests, true, app),
          );
          const fix = loop.call('edit_file', { path: task.file, old_str: task.fix.old, new_str: task.fix.new });
          loop.step({ role: 'assistant', content: 'One case still fails; adjusting.', toolCalls: [fix] }, 'tool_calls', streaming);
          loop.tool(fix, `Applied 1 edit to ${task.file}`, rng.between(2, 9));
          const retest = loop.call('run_tests', { path: task.tests });
          loop.step({ role: 'assistant', toolCalls: [retest] }, 'tool_calls', streaming);
          loop.tool(retest, 'Test Files  4 passed (4)\nTests  all passed', 0, undefined, runTests(t, rng, task.tests, false, app));
        } else {
          loop.tool(test, 'Test Files  4 passed (4)\nTests  all passed', 0, undefined, runTests(t, rng, task.tests, false, app));
        }
        loop.step({ role: 'assistant', content: task.summary }, 'stop', streaming);
        if (rng.chance(0.5)) commitMessage(ctx, agent, task.summary, sdk);
      },
    );
  },
};

/** A plan from a reasoning model before the work starts. */
function plan(ctx: ScenarioContext, parent: DraftSpan, task: string, record: RecordContext): void {
  const { rng, trace: t } = ctx;
  const call = planCall(rng, MODELS.o3Mini, {
    system: 'Break the task into at most five concrete steps for a coding agent. Name the files to look at.',
    messages: [{ role: 'user', content: task }],
    output: {
      role: 'assistant',
      content:
        '1. Find the implementation.\n2. Read it and its tests.\n3. Make the smallest fix.\n4. Run the affected tests.\n5. Summarize the change.',
    },
    reasoningTokens: rng.int(256, 1_800),
    maxTokens: 4_000,
  });
  genAiCall(t, parent, call, record);
}

/** A cheap model writes the commit message. */
function commitMessage(ctx: ScenarioContext, parent: DraftSpan, summary: string, record: RecordContext): void {
  const { rng, trace: t } = ctx;
  const call = planCall(rng, MODELS.haiku, {
    system: 'Write a conventional commit message (type(scope): subject, then a short body) for this change.',
    messages: [{ role: 'user', content: summary }],
    output: { role: 'assistant', content: `fix: ${summary.split(/[.:]/)[0]?.toLowerCase() ?? 'update'}\n\n${summary}` },
    maxTokens: 300,
  });
  genAiCall(t, parent, call, record);
}

const MODULES = ['invoices', 'customers', 'payments', 'reports', 'webhooks', 'subscriptions', 'taxes', 'exports', 'auth', 'notifications'];
const FILES = ['index.ts', 'format.ts', 'schedule.ts', 'periods.ts', 'due-dates.ts', 'reminders.ts', 'calendar.ts', 'parse.ts'];

/** A long agent run: a migration across many files, with a sub-agent fixing tests — a few hundred spans. */
export const longRunScenario: Scenario = {
  name: 'long-agent-run',
  weight: 1.5,
  inTour: false,
  run(ctx: ScenarioContext): void {
    const { rng, trace: t } = ctx;
    const userId = ctx.user();
    const sessionId = `run_${rng.hex(12)}`;
    const app: RecordContext = { resource: SERVICES.codeAgent, scope: SCOPES.app('code-agent'), sessionId, userId };
    const sdk: RecordContext = { ...app, scope: SCOPES.sightlineSdk };
    const prompt = 'Migrate the billing service from moment.js to date-fns. Keep behaviour identical; the test suite must pass.';
    const files = rng
      .sample(
        MODULES.flatMap((m) => FILES.map((f) => `src/${m}/${f}`)),
        rng.int(22, 55),
      )
      .sort();

    genAiAgent(
      t,
      null,
      { name: 'code-agent', id: 'code-agent@0.18', description: 'Edits the repository to complete a task' },
      app,
      (agent) => {
        agent.set({ 'code_agent.repository': 'acme/billing-service', 'code_agent.task': prompt });
        plan(ctx, agent, prompt, sdk);
        const loop = new AgentLoop(ctx, agent, sdk, app, prompt);
        const search = loop.call('search_code', { query: "from 'moment'" });
        loop.step({ role: 'assistant', content: 'Finding every import of moment.', toolCalls: [search] }, 'tool_calls', true);
        loop.tool(search, files.map((f) => `${f}:1:import moment from 'moment';`).join('\n'), rng.between(80, 400));
        files.forEach((file, i) => {
          const read = loop.call('read_file', { path: file });
          loop.step({ role: 'assistant', toolCalls: [read] }, 'tool_calls', true);
          loop.tool(
            read,
            `import moment from 'moment';\n\nexport function dueDate(issued: Date, days: number): string {\n  return moment(issued).add(days, 'days').format('YYYY-MM-DD');\n}`,
            rng.between(1, 5),
          );
          const edit = loop.call('edit_file', {
            path: file,
            old_str: "moment(issued).add(days, 'days').format('YYYY-MM-DD')",
            new_str: "format(addDays(issued, days), 'yyyy-MM-dd')",
          });
          loop.step({ role: 'assistant', toolCalls: [edit] }, 'tool_calls', true);
          loop.tool(edit, `Applied 2 edits to ${file}`, rng.between(2, 8));
          if (i % 8 === 7) {
            const dir = file.split('/').slice(0, 2).join('/');
            const test = loop.call('run_tests', { path: dir });
            loop.step({ role: 'assistant', toolCalls: [test] }, 'tool_calls', true);
            const fails = rng.chance(0.4);
            loop.tool(
              test,
              fails
                ? `FAIL ${dir}/periods.test.ts\n  ● formats week numbers\n    Expected: "2025-W01"\n    Received: "2024-W01"`
                : 'Tests  all passed',
              0,
              fails ? { type: 'CommandFailedError', message: 'npx vitest exited with code 1' } : undefined,
              runTests(t, rng, dir, fails, app),
            );
            if (fails) testFixer(ctx, agent, dir, app, sdk);
          }
        });
        const all = loop.call('run_tests', { path: '.' });
        loop.step({ role: 'assistant', toolCalls: [all] }, 'tool_calls', true);
        loop.tool(all, 'Test Files  61 passed (61)\nTests  812 passed (812)', 0, undefined, runTests(t, rng, '.', false, app));
        loop.step(
          {
            role: 'assistant',
            content: `Migrated ${files.length} files from moment.js to date-fns (format tokens changed from YYYY to yyyy; ISO week numbers use getISOWeekYear). moment is removed from package.json; all 812 tests pass.`,
          },
          'stop',
          true,
        );
      },
    );
  },
};

/** A sub-agent with a smaller model, asked to make one test suite pass. */
function testFixer(ctx: ScenarioContext, parent: DraftSpan, dir: string, app: RecordContext, sdk: RecordContext): void {
  const { rng, trace: t } = ctx;
  genAiAgent(t, parent, { name: 'test-fixer', id: 'test-fixer@0.18', description: 'Makes one failing test suite pass' }, app, (agent) => {
    const loop = new AgentLoop(ctx, agent, sdk, app, `Make the tests in ${dir} pass without changing what they assert.`, MODELS.haiku);
    const read = loop.call('read_file', { path: `${dir}/periods.ts` });
    loop.step({ role: 'assistant', toolCalls: [read] }, 'tool_calls', false);
    loop.tool(read, 'export const weekLabel = (d: Date) => format(d, "yyyy-\'W\'II");', rng.between(1, 4));
    const edit = loop.call('edit_file', { path: `${dir}/periods.ts`, old_str: '"yyyy-\'W\'II"', new_str: '"RRRR-\'W\'II"' });
    loop.step({ role: 'assistant', content: 'ISO week years need RRRR in date-fns.', toolCalls: [edit] }, 'tool_calls', false);
    loop.tool(edit, `Applied 1 edit to ${dir}/periods.ts`, rng.between(2, 6));
    const test = loop.call('run_tests', { path: dir });
    loop.step({ role: 'assistant', toolCalls: [test] }, 'tool_calls', false);
    loop.tool(test, 'Tests  all passed', 0, undefined, runTests(t, rng, dir, false, app));
    loop.step({ role: 'assistant', content: `Fixed: ${dir} formats ISO week years with RRRR; tests pass.` }, 'stop', false);
  });
}
