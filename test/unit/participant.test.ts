import * as assert from 'node:assert/strict';
import { AppendOnlyAnswer } from '../../src/participant/appendOnlyAnswer';
import { escapeMarkdown, findBot } from '../../src/participant/botChoice';
import { inPromptOrder, lineSpan, questionWithReferences } from '../../src/participant/promptReferences';
import { conversationFor, metadataOf, sessionOf, type SessionMetadata } from '../../src/participant/sessionMetadata';

// The pure parts of @coze in VS Code's Chat (src/participant/): the session kept in result metadata, the question
// with its references quoted, the append-only answer, and which bot `/bot <name>` means.

const BOT = '7445600453913968691';
const CONVERSATION = '7500000000000000001';

const ours = (extra: Partial<SessionMetadata> = {}): SessionMetadata => ({ askCoze: 1, botKey: BOT, cozeConversationId: CONVERSATION, followUps: [], ...extra });
/** The shapes VS Code hands in ChatContext.history: request turns have a prompt, response turns a result. */
const request = (prompt: string) => ({ prompt, participant: 'askCoze.coze', references: [] });
const response = (metadata: unknown) => ({ response: [], participant: 'askCoze.coze', result: { metadata } });

describe('participant: the session in the results’ metadata', () => {
  it('reads the newest answer that carries our metadata', () => {
    const history = [request('a'), response(ours({ cozeConversationId: '1' })), request('b'), response(ours({ cozeConversationId: '2', followUps: ['Next?'] })), request('c')];
    const session = sessionOf(history);
    assert.equal(session?.cozeConversationId, '2');
    assert.deepEqual(session?.followUps, ['Next?']);
  });

  it('skips answers without ours (a failure before any metadata, another shape) and knows none in a new session', () => {
    assert.equal(sessionOf([]), undefined);
    assert.equal(sessionOf([request('a')]), undefined);
    const history = [response(ours()), request('b'), response(undefined), response({ foreign: true }), response({ askCoze: 2, botKey: BOT })];
    assert.equal(sessionOf(history)?.cozeConversationId, CONVERSATION);
  });

  it('drops a malformed field and keeps the rest; refuses a result without a usable bot key', () => {
    const read = metadataOf({ metadata: { askCoze: 1, botKey: BOT, cozeConversationId: '../etc', pickedBotKey: 'chatflow:123', followUps: ['ok', 42] } });
    assert.deepEqual(read, { askCoze: 1, botKey: BOT, pickedBotKey: 'chatflow:123', followUps: ['ok'] });
    assert.equal(metadataOf({ metadata: { askCoze: 1, botKey: 'x y', followUps: [] } }), undefined);
    assert.equal(metadataOf(null), undefined);
    assert.equal(metadataOf('metadata'), undefined);
  });

  it('continues the conversation only with the bot it was started with', () => {
    assert.equal(conversationFor(ours(), BOT), CONVERSATION);
    assert.equal(conversationFor(ours(), '1234567890123'), undefined);
    assert.equal(conversationFor(undefined, BOT), undefined);
  });
});

describe('participant: the question with its references', () => {
  it('puts the prompt first, then each reference quoted with its path, lines and language', () => {
    const question = questionWithReferences('  Why does this throw?  ', [
      { kind: 'code', quote: { text: 'throw new Error("x");\n', languageId: 'typescript', fileName: 'src/a.ts', startLine: 3, endLine: 3 } },
      { kind: 'text', text: 'some value' },
    ]);
    assert.equal(question, 'Why does this throw?\n\n`src/a.ts:3`\n```typescript\nthrow new Error("x");\n```\n\n```text\nsome value\n```');
  });

  it('fences a string value longer than its backtick runs, and sends references alone when nothing is typed', () => {
    assert.equal(questionWithReferences('', [{ kind: 'text', text: 'a ``` b' }]), '````text\na ``` b\n````');
    assert.equal(questionWithReferences('   ', []), '');
  });

  it('orders references as written in the prompt; attachments outside it come last', () => {
    // VS Code sorts them in reverse by their range.
    const given = [{ id: 'c', range: [20, 25] as const }, { id: 'out' }, { id: 'a', range: [0, 5] as const }];
    assert.deepEqual(inPromptOrder(given).map((r) => r.id), ['a', 'c', 'out']);
  });

  it('counts lines 1-based; a range that ends at column 0 of a later line ends on the line before', () => {
    assert.deepEqual(lineSpan({ line: 4 }, { line: 9, character: 0 }), { startLine: 5, endLine: 9 });
    assert.deepEqual(lineSpan({ line: 4 }, { line: 9, character: 3 }), { startLine: 5, endLine: 10 });
    assert.deepEqual(lineSpan({ line: 4 }, { line: 4, character: 0 }), { startLine: 5, endLine: 5 });
  });
});

describe('participant: streaming into a response that only appends', () => {
  it('appends only what is new, so the response equals the answer', () => {
    const a = new AppendOnlyAnswer();
    const parts = [a.next(''), a.next('Hel'), a.next('Hel'), a.next('Hello, '), a.next('Hello, world'), a.finish('Hello, world!')];
    assert.deepEqual(parts, ['', 'Hel', '', 'lo, ', 'world', '!']);
    assert.equal(parts.join(''), 'Hello, world!');
  });

  it('stops streaming when the text no longer extends what is shown, and ends with the whole answer under a rule', () => {
    const a = new AppendOnlyAnswer();
    assert.equal(a.next('First answer'), 'First answer');
    // Two answer messages interleave: the first grows after the second began.
    assert.equal(a.next('First\n\nSecond'), '');
    assert.equal(a.next('First answer grows\n\nSecond'), '');
    const tail = a.finish('First answer grows\n\nSecond answer');
    assert.equal(tail, '\n\n---\n\nFirst answer grows\n\nSecond answer');
    assert.ok(a.shown.endsWith('First answer grows\n\nSecond answer'));
  });
});

describe('participant: /bot <name or id>', () => {
  const bots = [
    { id: BOT, name: 'Code Helper' },
    { id: '1234567890123', name: 'Reviewer  Bot' },
    { kind: 'chatflow' as const, id: 'chatflow:7400000000000000009', name: 'Support flow', workflowId: '7400000000000000009' },
  ];

  it('finds a bot by id, chatflow key or name (case and spacing aside)', () => {
    assert.equal(findBot(bots, BOT)?.name, 'Code Helper');
    assert.equal(findBot(bots, '  code helper ')?.id, BOT);
    assert.equal(findBot(bots, 'reviewer bot')?.id, '1234567890123');
    assert.equal(findBot(bots, 'Support Flow')?.id, 'chatflow:7400000000000000009');
    assert.equal(findBot(bots, 'chatflow:7400000000000000009')?.name, 'Support flow');
  });

  it('takes any bot id typed as digits, and nothing else', () => {
    assert.deepEqual(findBot(bots, '7000000000000000042'), { id: '7000000000000000042', name: '' });
    assert.equal(findBot(bots, 'Nobody'), undefined);
    assert.equal(findBot(bots, '   '), undefined);
    assert.equal(findBot(bots, '１２３'), undefined, 'full-width digits are not an id');
  });

  it('escapes Markdown in names', () => {
    assert.equal(escapeMarkdown('*Bot* [x](y) `z` <b>'), '\\*Bot\\* \\[x\\]\\(y\\) \\`z\\` \\<b\\>');
  });
});
