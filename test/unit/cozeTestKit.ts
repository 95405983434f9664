// Shared setup for the client tests: a real fake Coze server, a client with small timings, and checks that
// the token never leaks.

import { strict as assert } from 'node:assert';
import { FakeCozeServer, type FakeCozeStartOptions } from '../fake-coze/server';
import type { BehaviorPatch } from '../fake-coze/behavior';
import { CozeClient, isCozeError, type CozeClientOptions, type CozeError, type RequestLogEntry } from '../../src/coze';

export const TOKEN = 'pat_test_token';
export const BOT_ID = '7445600453913968691';

/** Fast defaults so the suite stays quick: ~50 ms chats, no pauses between deltas. */
export const FAST_BEHAVIOR: BehaviorPatch = { completeAfterMs: 60, deltaIntervalMs: 0 };

export interface Kit {
  fake: FakeCozeServer;
  logs: RequestLogEntry[];
  errors: unknown[];
  client(overrides?: Partial<CozeClientOptions>): CozeClient;
}

/**
 * Registers before/afterEach/after hooks: one fake server for the describe block, reset after each test, every
 * client closed after each test. Also records log entries and errors, and scans them for the token.
 */
export function useFakeCoze(behavior: BehaviorPatch = {}, start: Omit<FakeCozeStartOptions, 'behavior'> = {}): Kit {
  const clients: CozeClient[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const kit: Kit = {
    fake: undefined as unknown as FakeCozeServer,
    logs: [],
    errors: [],
    client(overrides = {}) {
      const c = new CozeClient({
        baseUrl: kit.fake.url,
        token: TOKEN,
        botId: BOT_ID,
        userId: 'user-1',
        minIntervalMs: 0,
        maxRetries: 3,
        retryBaseMs: 2,
        pollIntervalMs: 15,
        requestTimeoutMs: 2000,
        maxWaitMs: 10_000,
        onRequestLog: (e) => kit.logs.push(e),
        ...overrides,
      });
      clients.push(c);
      return c;
    },
  };
  before(async () => {
    kit.fake = await FakeCozeServer.start({ ...start, behavior: { ...FAST_BEHAVIOR, ...behavior } });
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    assertNoTokenLeak(kit.logs, kit.errors);
    kit.logs.length = 0;
    kit.errors.length = 0;
    kit.fake.reset();
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await kit.fake?.close();
    assert.deepEqual(unhandled, [], 'no unhandled rejections');
  });
  return kit;
}

/** Awaits a promise that must reject with a CozeError; records the error for the token scan. */
export async function expectCozeError(kit: Kit, p: Promise<unknown>): Promise<CozeError> {
  try {
    await p;
  } catch (e) {
    kit.errors.push(e);
    assert.ok(isCozeError(e), `expected a CozeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

export function assertNoTokenLeak(logs: readonly RequestLogEntry[], errors: readonly unknown[]): void {
  for (const e of logs) assert.ok(!JSON.stringify(e).includes(TOKEN), `token in log entry ${JSON.stringify(e)}`);
  for (const e of errors) {
    const err = e as Error;
    const all = `${err.message}\n${err.stack ?? ''}\n${JSON.stringify(err)}`;
    assert.ok(!all.includes(TOKEN), `token in error ${err.message}`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every 5 ms until true or `ms` pass (for server-side effects that follow a rejection). */
export async function eventually(cond: () => boolean, ms = 2000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * After a failure: the same client answers the next question correctly (nothing stuck: limiter, pool, chats).
 * Queued faults must have been used up by then.
 */
export async function assertAnswersNext(kit: Kit, client: CozeClient, opts: { mode?: 'poll' | 'stream'; conversationId?: string } = {}): Promise<void> {
  const q = `next question ${Math.random().toString(36).slice(2)}`;
  kit.fake.setBehavior({ answerFor: { [q]: [`answer to ${q}`] } });
  const a = await client.ask(q, opts);
  assert.equal(a.text, `answer to ${q}`, 'the next question is answered correctly');
}

export function requestsTo(fake: FakeCozeServer, endpoint: 'chat' | 'retrieve' | 'list' | 'cancel' | 'other') {
  return fake.requests.filter((r) => r.endpoint === endpoint);
}
