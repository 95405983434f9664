// Section 2 (poll mode: delay after completion and API calls per question) and section 3 (rate limiter
// spacing), against an in-process fake server: these need fake.requests[].startedAt, which is on this
// process's performance.now() clock, so it compares directly with the client's timestamps.

import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';
import { CozeClient, RateLimiter } from '../src/coze';
import type { FakeCozeServer } from '../test/fake-coze/server';
import { BOT_ID, USER_ID, errText } from './stream';

export interface PollRun {
  /** ms from the chat's completion on the fake to the answer in the caller's hands. */
  afterCompletion: number;
  /** ms from ask() to the answer. */
  total: number;
  calls: Record<string, number>;
  correct: boolean;
}

export interface PollVariant {
  label: string;
  runs: PollRun[];
  skipped?: string;
}

export interface PollSectionResult {
  completeAfterMs: number;
  variants: PollVariant[];
  failures: string[];
}

const POLL_ANSWER = 'Polling works, but every GET /v3/chat/retrieve is a billed call.\n\n轮询可以工作，但每次查询都计费。';

function countCalls(fake: FakeCozeServer): Record<string, number> {
  const calls: Record<string, number> = { chat: 0, retrieve: 0, list: 0, cancel: 0 };
  for (const r of fake.requests) calls[r.endpoint] = (calls[r.endpoint] ?? 0) + 1;
  return calls;
}

/**
 * The chat completes `completeAfterMs` after the fake creates it. Its completion instant is taken as the
 * POST /v3/chat arrival (fake.requests[].startedAt) + completeAfterMs: the fake schedules the completion in the
 * same tick it answers, once the small body is read (well under 1 ms later), and timers can fire a little late,
 * so the figure may overstate the delay by about a millisecond.
 */
export async function runPollSection(
  fake: FakeCozeServer,
  token: string,
  opts: { runs: number; completeAfterMs: number },
): Promise<PollSectionResult> {
  const failures: string[] = [];
  const behavior = { answers: [POLL_ANSWER], followUps: [], completeAfterMs: opts.completeAfterMs, deltaIntervalMs: 0 };
  const variants: PollVariant[] = [];

  const measure = async (label: string, ask: (q: string) => Promise<string>, warmup: boolean): Promise<PollVariant> => {
    const v: PollVariant = { label, runs: [] };
    for (let i = warmup ? -1 : 0; i < opts.runs; i++) {
      fake.reset();
      fake.setBehavior(behavior);
      const t0 = performance.now();
      const text = await ask(`poll question ${i}`);
      const t1 = performance.now();
      const chatReq = fake.requests.find((r) => r.endpoint === 'chat');
      if (!chatReq) throw new Error(`${label}: no POST /v3/chat reached the fake`);
      const run: PollRun = {
        afterCompletion: t1 - (chatReq.startedAt + opts.completeAfterMs),
        total: t1 - t0,
        calls: countCalls(fake),
        correct: text === POLL_ANSWER,
      };
      if (i >= 0) v.runs.push(run);
    }
    return v;
  };

  for (const pollIntervalMs of [1000, 100]) {
    const client = new CozeClient({ baseUrl: fake.url, token, botId: BOT_ID, userId: USER_ID, minIntervalMs: 0, pollIntervalMs });
    try {
      const v = await measure(`ours, poll every ${pollIntervalMs} ms`, async (q) => (await client.ask(q, { mode: 'poll' })).text, pollIntervalMs === 1000);
      variants.push(v);
    } finally {
      await client.close();
    }
  }

  // For comparison with the same chat: the stream answers in one call whatever the chat's duration.
  {
    const client = new CozeClient({ baseUrl: fake.url, token, botId: BOT_ID, userId: USER_ID, minIntervalMs: 0 });
    try {
      const v = await measure('ours, stream', async (q) => (await client.ask(q, { mode: 'stream' })).text, false);
      // The stream does not wait for completeAfterMs: its "after completion" figure has no meaning.
      for (const r of v.runs) r.afterCompletion = Number.NaN;
      variants.push(v);
    } finally {
      await client.close();
    }
  }

  // The official SDK: createAndPoll sleeps 100 ms between POST /v3/chat/retrieve calls, with no overall timeout.
  try {
    const sdk = await import('@coze/api');
    const api = new sdk.CozeAPI({ token, baseURL: fake.url });
    const v = await measure(
      '@coze/api createAndPoll (100 ms)',
      async (q) => {
        const r = await api.chat.createAndPoll({
          bot_id: BOT_ID,
          user_id: USER_ID,
          additional_messages: [{ role: sdk.RoleType.User, content: q, content_type: 'text' }],
        });
        return (r.messages ?? [])
          .filter((m) => m.type === 'answer')
          .map((m) => m.content)
          .join('\n\n');
      },
      true,
    );
    variants.push(v);
  } catch (e) {
    variants.push({ label: '@coze/api createAndPoll (100 ms)', runs: [], skipped: errText(e) });
  }

  for (const v of variants) {
    if (v.label.startsWith('ours') && v.runs.some((r) => !r.correct)) failures.push(`${v.label}: wrong answer text`);
  }
  return { completeAfterMs: opts.completeAfterMs, variants, failures };
}

export interface LimiterScenario {
  label: string;
  requests: number;
  /** Gaps between consecutive request arrivals at the fake, in ms. */
  gaps: number[];
  /** Gaps between consecutive grants of the client's rate limiter (acquire() resolving), in ms. */
  grantGaps: number[];
  /** Gaps between consecutive dispatches by the client (undici dispatch() calls), in ms. */
  clientGaps: number[];
  spanMs: number;
  correct: boolean;
}

/** An Agent that notes when each request is handed to it: the client-side start, free of network jitter. */
class RecordingAgent extends Agent {
  readonly starts: number[] = [];

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.starts.push(performance.now());
    return super.dispatch(options, handler);
  }
}

function gapsOf(times: number[]): number[] {
  const s = [...times].sort((a, b) => a - b);
  return s.slice(1).map((t, i) => t - s[i]!);
}

/**
 * Notes when RateLimiter.acquire() resolves, for every limiter, until the returned function is called. The
 * note is taken in a reaction to the grant, so in the same macrotask as the grant itself. Bench only: it
 * wraps the prototype method and puts it back.
 */
function recordLimiterGrants(grants: number[]): () => void {
  const proto = RateLimiter.prototype;
  const original = proto.acquire;
  proto.acquire = function (this: RateLimiter, ...args: Parameters<RateLimiter['acquire']>): Promise<void> {
    return original.apply(this, args).then(() => {
      grants.push(performance.now());
    });
  };
  return () => {
    proto.acquire = original;
  };
}

/** Section 3: 10 questions at once through one client with minIntervalMs 50. */
export async function runLimiterSection(
  fake: FakeCozeServer,
  token: string,
  opts: { questions: number; minIntervalMs: number },
): Promise<{ scenarios: LimiterScenario[]; failures: string[] }> {
  const scenarios: LimiterScenario[] = [];
  const failures: string[] = [];
  const answerFor: Record<string, string[]> = {};
  for (let i = 0; i < opts.questions; i++) answerFor[`limiter question ${i}`] = [`answer ${i}: 限流 ${'x'.repeat(i)}`];

  const cases: Array<{ label: string; mode: 'stream' | 'poll' }> = [
    { label: `${opts.questions} x stream (1 call each)`, mode: 'stream' },
    { label: `${opts.questions} x poll every 200 ms (chat + polls + list)`, mode: 'poll' },
  ];
  for (const c of cases) {
    fake.reset();
    fake.setBehavior({ answerFor, followUps: [], deltaIntervalMs: 0, deltaSize: 4, completeAfterMs: 300 });
    const dispatcher = new RecordingAgent({ keepAliveTimeout: 10_000 });
    const client = new CozeClient({
      baseUrl: fake.url,
      token,
      botId: BOT_ID,
      userId: USER_ID,
      minIntervalMs: opts.minIntervalMs,
      pollIntervalMs: 200,
      dispatcher,
    });
    let correct = true;
    const grants: number[] = [];
    const restore = recordLimiterGrants(grants);
    try {
      const qs = Object.keys(answerFor);
      const answers = await Promise.all(qs.map((q) => client.ask(q, { mode: c.mode })));
      answers.forEach((a, i) => {
        if (a.text !== answerFor[qs[i]!]![0]) correct = false;
      });
    } finally {
      restore();
      await client.close();
      await dispatcher.close();
    }
    const starts = fake.requests.map((r) => r.startedAt).sort((a, b) => a - b);
    scenarios.push({
      label: c.label,
      requests: starts.length,
      gaps: gapsOf(starts),
      grantGaps: gapsOf(grants),
      clientGaps: gapsOf(dispatcher.starts),
      spanMs: starts.length ? starts.at(-1)! - starts[0]! : 0,
      correct,
    });
    if (!correct) failures.push(`limiter ${c.mode}: wrong answer text`);
  }
  return { scenarios, failures };
}
