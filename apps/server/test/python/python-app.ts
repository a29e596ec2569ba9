import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { type MockOpenAi, startMockOpenAi } from '../../../../testing/mock-openai.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Runs a program; resolves with its stdout and stderr (rejects on a non-zero exit). */
export const run = promisify(execFile);

/** A script of testing/python/. */
export function pythonScript(name: string): string {
  return fileURLToPath(new URL(`../../../../testing/python/${name}`, import.meta.url));
}

/**
 * The Python named by `variable`: a virtualenv with testing/python/`requirements` installed.
 * Throws, saying how to make one, when the variable is not set (`.ci/run` sets them all).
 */
export function pythonFrom(variable: string, requirements: string): string {
  const python = process.env[variable];
  if (!python)
    throw new Error(
      `${variable} must name the Python of a virtualenv with testing/python/${requirements} installed (python3 -m venv .venv && .venv/bin/pip install -r testing/python/${requirements}; .ci/run makes one)`,
    );
  return python;
}

/** The last line a Python app printed, as JSON: what it saw. */
export function lastJsonLine(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1) as string);
}

/** Built-in prices (USD per token) of the models the mock OpenAI server answers as. */
export const OPENAI_PRICES = {
  mini: { input: 0.15e-6, cached: 0.075e-6, output: 0.6e-6 },
  gpt4o: { input: 2.5e-6, output: 10e-6 },
  embedSmall: 0.02e-6,
} as const;

/** A mock OpenAI server and a Sightline server, started before a test file's tests and stopped after. */
export function useMockAndServer(): { mock: MockOpenAi; sl: TestServer } {
  const env = {} as { mock: MockOpenAi; sl: TestServer };
  beforeAll(async () => {
    env.mock = await startMockOpenAi();
    env.sl = await startTestServer();
  });
  afterAll(async () => {
    await env.sl?.stop();
    await env.mock?.close();
  });
  return env;
}
