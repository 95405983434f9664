import { strict as assert } from 'node:assert';
import type { AskResult } from '../../src/ask/askPipeline';
import type { ChatFixAction } from '../../src/ask/fixActionList';
import type { StoredConversation, StoredTurn } from '../../src/chat/chatModel';
import { titleFromQuestion } from '../../src/chat/chatModel';
import { quoteSelections } from '../../src/chat/selectionQuote';
import { applyResult, failUnsent, needsNewKey, offersRetry } from '../../src/chat/turnOutcome';
import type { AskCozeSettings } from '../../src/settings';

// What a new user trying the chat ran into (issue 11, "Polish"), as plain rules: the conversation's title from its
// first question, when Retry is offered under a turn, and when a failed turn shows its time.

const length = (s: string) => Array.from(s).length;

describe('chat titles (titleFromQuestion)', () => {
  it('"Ask Coze in Chat": the path:lines line and the fenced selection are left out, the question names it', () => {
    const quoted = quoteSelections([{ text: 'export function greet() {}', languageId: 'typescriptreact', fileName: 'src/app.tsx', startLine: 3, endLine: 9 }]);
    assert.equal(titleFromQuestion(`${quoted}What does this function do?`, 'New chat'), 'What does this function do?');
    // Two quoted selections, the question between and after them.
    const two = `${quoteSelections([
      { text: 'a()', languageId: 'python', fileName: 'a.py', startLine: 1, endLine: 1 },
      { text: 'b()', languageId: 'python', fileName: 'b.py', startLine: 2, endLine: 4 },
    ])}Why do these differ?`;
    assert.equal(titleFromQuestion(two, 'New chat'), 'Why do these differ?');
  });

  it('code only: named by its file and first line of code, never by the fence', () => {
    const quoted = quoteSelections([{ text: '\n  const total = items.reduce((a, b) => a + b, 0);\n  return total;', languageId: 'typescript', fileName: 'sum.ts', startLine: 4, endLine: 6 }]);
    assert.equal(titleFromQuestion(quoted, 'New chat'), 'sum.ts:4-6 · const total = items.reduce((a, b) => a + b, 0);');
    assert.equal(titleFromQuestion('~~~~\nplain tilde fence\n~~~~', 'New chat'), 'plain tilde fence');
    // A longer fence holds a shorter one; an unclosed fence runs to the end.
    assert.equal(titleFromQuestion('````md\n```js\ninner\n```\n````\nExplain the example', 'New chat'), 'Explain the example');
    assert.equal(titleFromQuestion('Is this right?\n```py\nprint(1)', 'New chat'), 'Is this right?');
    assert.ok(!titleFromQuestion('```ts\nx\n```', '').includes('`'));
  });

  it('Markdown marks are left out: inline code, headings, emphasis, links, quotes and lists', () => {
    assert.equal(titleFromQuestion('`useEffect`', 'New chat'), 'useEffect');
    assert.equal(titleFromQuestion('Why does `Array.prototype.sort` mutate?', 'New chat'), 'Why does Array.prototype.sort mutate?');
    assert.equal(titleFromQuestion('# Bug report\nWhen I run **npm test** it fails with [this error](https://example.com/e)', 'New chat'), 'Bug report: When I run npm test it fails with this error');
    assert.equal(titleFromQuestion('## Why?\nBecause', 'New chat'), 'Why? Because');
    assert.equal(titleFromQuestion('### Only a heading', 'New chat'), 'Only a heading');
    assert.equal(titleFromQuestion('> quoted\n- item one\n2. item two\n- [x] done', 'New chat'), 'quoted item one item two done');
    assert.equal(titleFromQuestion('Keep snake_case_names, 2*3*4 and a_b as written, *not this*', 'New chat'), 'Keep snake_case_names, 2*3*4 and a_b as written, not this');
    assert.equal(titleFromQuestion('---\n\n', 'New chat'), 'New chat');
  });

  it('at most 72 characters, cut at a word with "…"; a very long word or CJK text is cut inside', () => {
    const long = 'How do I make the build faster when the repository has many packages and the CI machine has only two cores?';
    const title = titleFromQuestion(long, 'New chat');
    assert.ok(length(title) <= 72, title);
    assert.match(title, /^How do I make the build faster .* packages…$/);
    assert.ok(long.startsWith(title.slice(0, -1)), 'cut at a word boundary, nothing rewritten');
    const word = titleFromQuestion(`See https://example.com/${'a'.repeat(150)}`, 'New chat');
    assert.equal(length(word), 72);
    assert.ok(word.endsWith('a…'), word);
    const cjk = titleFromQuestion('为什么'.repeat(50), 'New chat');
    assert.equal(length(cjk), 72);
    assert.ok(cjk.endsWith('…'));
    assert.equal(titleFromQuestion('Short, punctuated question,' + ' x'.repeat(40), '').endsWith('x…'), true);
    // Exactly the limit: untouched.
    assert.equal(titleFromQuestion('y'.repeat(72), ''), 'y'.repeat(72));
  });

  it('whitespace only falls back to the given title', () => {
    assert.equal(titleFromQuestion(' \n\t ', 'New chat'), 'New chat');
  });
});

const turnOf = (status: StoredTurn['status'], actions: ChatFixAction[] = [], code?: number): StoredTurn => ({
  id: 't',
  question: 'Q',
  answer: '',
  status,
  followUps: [],
  botId: '1',
  startedAt: 1000,
  ...(status === 'failed' ? { error: { message: 'm', actions, ...(code === undefined ? {} : { code }) } } : {}),
});

describe('Retry under a chat turn (offersRetry)', () => {
  it('only under the last turn: a stopped or failed turn further up offers none', () => {
    for (const status of ['stopped', 'interrupted', 'failed'] as const) {
      assert.equal(offersRetry(turnOf(status), true), true, `${status}, last`);
      assert.equal(offersRetry(turnOf(status), false), false, `${status}, not last`);
    }
  });

  it('never under an answer, or one still arriving', () => {
    for (const status of ['done', 'waiting', 'streaming'] as const) assert.equal(offersRetry(turnOf(status), true), false, status);
  });

  it('not under a failure only a new key fixes (no key, 4100, 4101): Set API Key is offered instead', () => {
    const noKey = turnOf('failed', ['setKey']);
    const rejected = turnOf('failed', ['setKey', 'switchRegion'], 4100);
    const noPermission = turnOf('failed', ['setKey', 'switchRegion'], 4101);
    const studio = turnOf('failed', ['setKey', 'openSettings'], 700012006);
    for (const turn of [noKey, rejected, noPermission, studio]) {
      assert.equal(needsNewKey(turn.error), true);
      assert.equal(offersRetry(turn, true), false, JSON.stringify(turn.error));
    }
    // A busy Coze (4016), a network failure: asking again can help.
    assert.equal(offersRetry(turnOf('failed', ['openLog'], 4016), true), true);
    assert.equal(offersRetry(turnOf('failed', ['openProxySettings', 'openLog']), true), true);
  });
});

describe('the time of a failed turn', () => {
  const settings = {} as AskCozeSettings;
  const conversation = (turn: StoredTurn): StoredConversation => ({ version: 1, id: 'c', title: 'Q', botId: '1', createdAt: 0, updatedAt: 0, turns: [turn], trimmedTurns: 0 });
  const failure = (kind: string): AskResult => ({
    status: 'failed',
    kind,
    ...(kind === 'not-ready' ? { notReady: 'no-key' as const } : {}),
    error: { severity: 'warning', message: 'No key', actions: ['setKey'] },
    partialText: '',
    settings,
  });

  it('nothing went out (no key, unusable settings): no time, which would only say "0.0 s"', () => {
    const turn = turnOf('waiting');
    applyResult(conversation(turn), turn, failure('not-ready'), false, 1003, { conversationForgotten: '' });
    assert.equal(turn.status, 'failed');
    assert.equal(turn.elapsedMs, undefined);
  });

  it('a question that reached Coze and failed there keeps its time', () => {
    const turn = turnOf('waiting');
    applyResult(conversation(turn), turn, failure('network'), false, 4200, { conversationForgotten: '' });
    assert.equal(turn.elapsedMs, 3200);
  });

  it('an upload that failed before the question went out: no time either', () => {
    const turn = turnOf('waiting');
    failUnsent(turn, 'a.png could not be uploaded.', ['openLog'], 4000, 'L1');
    assert.deepEqual({ status: turn.status, elapsedMs: turn.elapsedMs, code: turn.error?.code, logId: turn.error?.logId }, { status: 'failed', elapsedMs: undefined, code: 4000, logId: 'L1' });
  });
});
