import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskOutcome } from '../../src/answerPanel/answerSurface';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { activateForTests, configure, fake, FAST_STREAM, fakeUrl, resetFakeAndKey, testToken, waitFor } from './fakeControl';

// What a user meets when the network or Coze misbehaves, end to end in the extension host: for each fault the
// message names the problem (with code and logid when Coze sent them) and offers the right action, the question
// and whatever had arrived stay in the panel with Retry, and the next question works.

let api: AskCozeTestingApi;

const ask = (question: string, mode: 'stream' | 'poll' = 'stream') =>
  vscode.commands.executeCommand<AskOutcome>('askCoze.ask', { question, mode }) as Promise<AskOutcome>;

interface FaultCase {
  name: string;
  mode?: 'stream' | 'poll';
  behavior?: Record<string, unknown>;
  faults?: Array<Record<string, unknown>>;
  /** Expected outcome: answered despite the fault, or failed with these facts. */
  expect: 'answered' | { kind: string; code?: number; logId: boolean; message: RegExp; actions: string[]; partial?: boolean };
}

/** This suite's pace over FAST_STREAM, before each test and after each fault: deltas twice as far apart. */
const FAULT_PACE = { completeAfterMs: 300, deltaIntervalMs: 10 };

const CASES: FaultCase[] = [
  {
    name: 'a burst of 503s, then recovery',
    faults: [{ endpoint: 'chat', kind: 'http', status: 503, body: 'empty', times: 2 }],
    expect: 'answered',
  },
  {
    name: 'gateway errors until the retries run out',
    faults: [{ endpoint: 'chat', kind: 'http', status: 502, body: 'html', times: 20 }],
    expect: { kind: 'network', logId: false, message: /unavailable \(HTTP 502\).*3 attempts/, actions: ['Retry', 'Open Log'] },
  },
  {
    name: 'busy (4009) once, retried with backoff',
    faults: [{ endpoint: 'chat', kind: 'http', status: 200, body: { code: 4009, msg: 'system busy' }, times: 1 }],
    expect: 'answered',
  },
  {
    name: 'the connection reset before any reply',
    faults: [{ endpoint: 'chat', kind: 'reset', times: 20 }],
    expect: { kind: 'network', logId: false, message: /Could not reach 127\.0\.0\.1/, actions: ['Retry', 'Open Log'] },
  },
  {
    name: 'the stream reset in the middle of the answer',
    behavior: { deltaSize: 4 },
    faults: [{ endpoint: 'chat', kind: 'reset-mid-stream', afterEvents: 8 }],
    expect: { kind: 'network', logId: false, message: /broke in the middle of the answer/, actions: ['Retry', 'Open Log'], partial: true },
  },
  {
    name: 'an error event in the middle of the stream',
    behavior: { deltaSize: 4 },
    faults: [{ endpoint: 'chat', kind: 'error-event', afterEvents: 8, code: 5000, msg: 'internal error' }],
    expect: { kind: 'api', code: 5000, logId: true, message: /server error/, actions: ['Retry', 'Open Settings', 'Open Log'], partial: true },
  },
  {
    name: 'the bot run fails (conversation.chat.failed)',
    behavior: { finalStatus: 'failed', lastError: { code: 5000, msg: 'event interval error' } },
    expect: { kind: 'chat-failed', code: 5000, logId: false, message: /could not answer.*event interval error/, actions: ['Retry', 'Open Log'] },
  },
  {
    name: 'the bot run fails while polling',
    mode: 'poll',
    behavior: { finalStatus: 'failed', lastError: { code: 5000, msg: 'event interval error' } },
    expect: { kind: 'chat-failed', code: 5000, logId: false, message: /could not answer/, actions: ['Retry', 'Open Log'] },
  },
  {
    name: 'truncated JSON from the status check',
    mode: 'poll',
    faults: [{ endpoint: 'retrieve', kind: 'http', status: 200, body: 'truncated-json', times: 20 }],
    expect: { kind: 'protocol', logId: true, message: /could not read/, actions: ['Retry', 'Open Log'] },
  },
  {
    name: 'a JSON error instead of the stream (prompt too long, 4010)',
    faults: [{ endpoint: 'chat', kind: 'json-error-for-stream', code: 4010, msg: 'prompt too long' }],
    expect: { kind: 'api', code: 4010, logId: true, message: /too long/, actions: [] },
  },
  {
    name: 'the token expires in the middle of a session (4100)',
    faults: [{ endpoint: 'chat', kind: 'http', status: 401, body: { code: 4100, msg: 'token expired' }, times: 1 }],
    expect: { kind: 'api', code: 4100, logId: true, message: /invalid or expired/, actions: ['Set API Key', 'Open Settings'] },
  },
];

suite('Faults, as the user sees them', function () {
  this.timeout(90_000);

  suiteSetup(async () => {
    api = await activateForTests();
  });

  setup(() => resetFakeAndKey(api, FAULT_PACE));

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const c of CASES) {
    test(c.name, async () => {
      if (c.behavior) await fake.behavior(c.behavior);
      for (const f of c.faults ?? []) await fake.fault(f);
      const question = `Question under fault: ${c.name}`;
      const before = api.notifications().length;
      const outcome = await ask(question, c.mode);

      if (c.expect === 'answered') {
        assert.equal(outcome.status, 'answered', JSON.stringify(outcome));
      } else {
        const e = c.expect;
        assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
        if (outcome.status !== 'failed') return;
        assert.equal(outcome.kind, e.kind, outcome.message);
        if (e.code !== undefined) assert.equal(outcome.code, e.code);
        const shown = api.notifications().slice(before).at(-1);
        assert.ok(shown, 'the user was told');
        assert.match(shown.message, e.message);
        if (e.code !== undefined) assert.match(shown.message, new RegExp(`code ${e.code}`));
        if (e.logId) {
          assert.ok(outcome.logId, 'a logid was captured');
          assert.ok(shown.message.includes(outcome.logId!), 'the message shows the logid');
        }
        assert.deepEqual(shown.actions, e.actions);
        assert.ok(!shown.message.includes('<html') && !shown.message.includes('<!DOCTYPE'), 'no raw HTML in the message');
        assert.ok(!shown.message.includes(testToken()), 'no token in the message');

        const panel = api.latestPanel()!;
        assert.equal(panel.state.question, question, 'the question stays');
        assert.equal(panel.state.phase, 'failed');
        assert.equal(panel.state.text, outcome.partialText, 'what arrived stays');
        if (e.partial) assert.ok(outcome.partialText.length > 0, 'some of the answer had arrived');
      }

      // The extension keeps working: once the fault is gone, the next question is answered.
      await fake.reset();
      await fake.behavior({ ...FAST_STREAM, ...FAULT_PACE });
      const next = await ask('And the next question?', c.mode);
      assert.equal(next.status, 'answered', `after "${c.name}": ${JSON.stringify(next)}`);
    });
  }

  test('a request that never answers times out with a clear message, then Retry in the panel works', async () => {
    await configure({ requestTimeoutSeconds: 1 });
    try {
      await fake.fault({ endpoint: 'chat', kind: 'hang', times: 1 });
      const outcome = await ask('Will this hang?');
      assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
      if (outcome.status !== 'failed') return;
      assert.equal(outcome.kind, 'timeout');
      assert.match(api.notifications().at(-1)!.message, /did not answer in time/);
      // Retry from the panel re-asks the same question in the same panel.
      api.sendFromPanel({ type: 'retry' });
      await waitFor('the retried answer', () => {
        const panel = api.latestPanel();
        return panel?.state.phase === 'done' && panel.state.question === 'Will this hang?' ? true : undefined;
      });
    } finally {
      await configure({ requestTimeoutSeconds: 10 });
    }
  });

  test('a custom base URL that is not https is refused before anything is sent', async () => {
    await configure({ baseUrl: 'http://coze.example.com' });
    try {
      const outcome = await ask('Over plain http?');
      assert.equal(outcome.status, 'invalid-settings');
      assert.match(api.notifications().at(-1)!.message, /must use https/);
      assert.deepEqual(await fake.requests(), []);
    } finally {
      await configure({ baseUrl: fakeUrl() });
    }
  });

  test('settings with impossible values are clamped, with a warning', async () => {
    await configure({ pollIntervalMs: -5, maxRetries: 99 });
    try {
      const outcome = await ask('Clamped settings?', 'poll');
      assert.equal(outcome.status, 'answered');
      const warning = api.notifications().find((n) => /out of range/.test(n.message));
      assert.ok(warning, 'the user is told about the adjustment');
      assert.match(warning.message, /pollIntervalMs/);
      assert.match(warning.message, /maxRetries/);
    } finally {
      await configure({ pollIntervalMs: 200, maxRetries: 2 });
    }
  });

  test('a bot id that is not a number is refused before anything is sent', async () => {
    await configure({ botId: 'my-bot' });
    try {
      const outcome = await ask('Which bot?');
      assert.equal(outcome.status, 'invalid-settings');
      assert.match(api.notifications().at(-1)!.message, /numeric id/);
      assert.deepEqual(await fake.requests(), []);
    } finally {
      await configure({ botId: '7445600453913968691' });
    }
  });
});
