// Talks to the fake Coze server's control API from inside the extension host (the server runs in the
// test launcher's process, so the suite reaches it over HTTP like the extension does).

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
