import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskCozeApi } from '../../src/extension';
import type { AskCozeTestingApi } from '../../src/testingApi';

// Shared by the in-host suites: talks to the fake Coze server's control API from inside the extension host
// (the server runs in the test launcher's process, so the suite reaches it over HTTP like the extension does),
// and sets the extension up against it.

export const fakeUrl = (): string => {
  const url = process.env.ASK_COZE_FAKE_URL;
  if (!url) throw new Error('ASK_COZE_FAKE_URL is not set: run this suite through test/e2e/runHostSuite.ts');
  return url;
};

export const testToken = (): string => process.env.ASK_COZE_TEST_TOKEN ?? 'pat_test_token';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  endpoint: 'chat' | 'retrieve' | 'list' | 'cancel' | 'other';
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${fakeUrl()}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`fake control ${method} ${path} → ${res.status}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

export const fake = {
  reset: () => call('POST', '/__fake/reset'),
  behavior: (patch: Record<string, unknown>) => call('POST', '/__fake/behavior', patch),
  fault: (fault: Record<string, unknown>) => call('POST', '/__fake/faults', fault),
  requests: async () => (await call('GET', '/__fake/requests')) as RecordedRequest[],
  chats: async () => (await call('GET', '/__fake/chats')) as Array<{ id: string; status: string; conversationId?: string; conversation_id?: string }>,
};

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---- shared by the in-host suites ----


export const BOT_ID = '7445600453913968691';

/** Writes askCoze.* settings at user level (an undefined value removes the setting). */
export async function configure(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('askCoze');
  for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
}

/** Settings that point the extension at the fake and keep the suites fast. */
export const FAST_SETTINGS: Readonly<Record<string, unknown>> = {
  region: 'custom',
  botId: BOT_ID,
  responseMode: 'stream',
  minRequestIntervalMs: 0,
  pollIntervalMs: 200,
  maxRetries: 2,
  requestTimeoutSeconds: 10,
  maxWaitSeconds: 60,
};

/** Activates the installed extension and returns its testing API (present only in test mode). */
export async function activateForTests(): Promise<AskCozeTestingApi> {
  const extension = vscode.extensions.getExtension<AskCozeApi>('ask-coze.ask-coze');
  assert.ok(extension, 'the extension is not installed');
  const exported = await extension.activate();
  assert.ok(exported.testing, 'the testing API is missing (is the extension running in test mode?)');
  await configure({ ...FAST_SETTINGS, baseUrl: fakeUrl() });
  return exported.testing;
}

export function assertNoToken(where: string, text: string): void {
  assert.ok(!text.includes(testToken()), `the token appears in ${where}`);
  assert.ok(!/\bpat_[A-Za-z0-9]{6,}/.test(text), `something token-shaped appears in ${where}`);
}
