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
  endpoint: 'chat' | 'retrieve' | 'list' | 'cancel' | 'other' | 'workflowRun' | 'workflowStream' | 'workflowResume'
    | 'workspaces' | 'bots' | 'bot' | 'upload' | 'chatflow';
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
  /** Files uploaded to the fake (POST /v1/files/upload), without their bytes. */
  files: async () => (await call('GET', '/__fake/files')) as FakeFile[],
};

/** GET /__fake/files: one uploaded file (test/fake-coze/files.ts). */
export interface FakeFile {
  id: string;
  name: string;
  bytes: number;
  sha256: string;
  contentType: string;
  createdAt: number;
}

/** The fake's seed (test/fake-coze/catalog.ts): two workspaces; the personal one has 23 API bots, incl. BOT_ID "Code Helper". */
export const FAKE_WORKSPACES = { personal: '7300000000000000101', team: '7300000000000000202' } as const;

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

/** The fake's stream under most in-host tests: short, in small deltas, so that an answer ends within a second. */
export const FAST_STREAM: Readonly<Record<string, unknown>> = { completeAfterMs: 100, deltaIntervalMs: 5, deltaSize: 16 };

/**
 * The start of a test that asks: once the chat has stopped answering (a running chat would meet the reset fake),
 * the fake is reset to FAST_STREAM with `behavior` over it, and the test key is stored again (a test may clear it).
 */
export async function resetFakeAndKey(api: AskCozeTestingApi, behavior: Record<string, unknown> = {}): Promise<void> {
  await api.chat.whenIdle();
  await fake.reset();
  await fake.behavior({ ...FAST_STREAM, ...behavior });
  await api.setToken(testToken());
}

/** The POST /v3/chat requests so far, in order (query: conversation_id; body: bot_id, additional_messages…). */
export async function chatRequests(): Promise<RecordedRequest[]> {
  return (await fake.requests()).filter((r) => r.endpoint === 'chat');
}

/** The questions sent so far, in order: POST /v3/chat and POST /v1/workflows/chat (a chatflow) alike. */
export async function chatAndChatflowRequests(): Promise<RecordedRequest[]> {
  return (await fake.requests()).filter((r) => r.endpoint === 'chat' || r.endpoint === 'chatflow');
}

export function assertNoToken(where: string, text: string): void {
  assert.ok(!text.includes(testToken()), `the token appears in ${where}`);
  assert.ok(!/\bpat_[A-Za-z0-9]{6,}/.test(text), `something token-shaped appears in ${where}`);
}

// ---- workflows (the fake's scripts: test/fake-coze/workflowBehavior.ts, README "Workflows") ----

/** The fake's scripted workflow ids; any other id of digits runs the default workflow (LLM, LLM, End, Done). */
export const WORKFLOW_IDS = {
  /** Stops once at node "Question" (prompt: behavior workflow.question); resumed with its event_id it runs to Done. */
  interrupt: '7400000000000000001',
  /** One Message, then an Error event (4000 "Request parameter error", or behavior workflow.error). */
  error: '7400000000000000002',
  /** JSON 4200 (not published) before any stream. */
  unpublished: '7400000000000000003',
} as const;

/** The stream_run and stream_resume requests so far, in order (bodies: workflow_id, parameters, event_id, resume_data…). */
export async function workflowRequests(): Promise<RecordedRequest[]> {
  return (await fake.requests()).filter((r) => r.endpoint === 'workflowStream' || r.endpoint === 'workflowResume');
}
