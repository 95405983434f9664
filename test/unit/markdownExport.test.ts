import * as assert from 'node:assert/strict';
import type { StoredConversation } from '../../src/chat/chatModel';
import { closeOpenFence, conversationMarkdown, exportFileName, inlineCode, type ExportOptions } from '../../src/chat/markdownExport';

// A conversation as Markdown (Coze: Export Conversation as Markdown): the exact text, fences left open by a
// stopped answer closed, attachment names as code, and the file name offered.

const OPTIONS: ExportOptions = {
  labels: {
    date: 'Date',
    bot: 'Bot',
    you: 'You',
    trimmed: '{0} older turns are not kept in the history (the bot still remembers them).',
    attachedFiles: 'Attached files',
    thoughtFor: 'Thought for {0} s',
    thoughts: 'Thought process',
    stopped: 'Stopped: the answer is incomplete.',
    interrupted: 'Interrupted: VS Code closed while this answer was arriving.',
    failed: 'The answer failed.',
    code: 'code {0}',
    logId: 'logid {0}',
    untitled: 'New chat',
  },
  formatDate: (ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' '),
  botName: (id, stored) => stored ?? (id === '7445600453913968691' ? 'Code Helper' : `Bot …${id.slice(-7)}`),
};

const conversation: StoredConversation = {
  version: 1,
  id: 'c1',
  title: 'How do I count lines?',
  botId: '7445600453913968691',
  createdAt: Date.UTC(2026, 11, 1, 9, 30),
  updatedAt: Date.UTC(2026, 11, 1, 10, 0),
  cozeConversationId: '7500000000000000001',
  trimmedTurns: 2,
  turns: [
    {
      id: 't1',
      question: 'How do I count lines?\n\n```ts\nconst n = 1;\n```',
      answer: 'Use `split`:\n\n```ts\ntext.split("\\n").length\n```',
      status: 'done',
      followUps: ['And words?'],
      botId: '7445600453913968691',
      startedAt: 1,
      reasoning: 'The user wants </details> lines.',
      reasoningMs: 4200,
      attachments: [{ name: 'notes `v2`.txt', bytes: 1200, type: 'file', fileId: 'f1' }],
      usage: { tokenCount: 100, outputCount: 80, inputCount: 20 },
    },
    { id: 't2', question: 'And in Python?', answer: 'Like this:\n\n```python\nlen(open(p).readlines())', status: 'stopped', followUps: [], botId: '7445600453913968691', startedAt: 2 },
    {
      id: 't3',
      question: 'Again?',
      answer: '',
      status: 'failed',
      followUps: [],
      botId: '7445600453913968691',
      startedAt: 3,
      error: { message: 'Coze refused the key.', code: 4100, logId: '20261201abc', actions: ['setKey'] },
    },
  ],
};

describe('chat: export as Markdown', () => {
  it('writes the title, date and bot, then each question and answer as written', () => {
    assert.equal(
      conversationMarkdown(conversation, OPTIONS),
      [
        '# How do I count lines?',
        '',
        '- **Date:** 2026-12-01 09:30',
        '- **Bot:** Code Helper',
        '',
        '> 2 older turns are not kept in the history (the bot still remembers them).',
        '',
        '---',
        '',
        '**You:**',
        '',
        'How do I count lines?',
        '',
        '```ts',
        'const n = 1;',
        '```',
        '',
        '*Attached files:* ``notes `v2`.txt``',
        '',
        '**Code Helper:**',
        '',
        '<details>',
        '<summary>Thought for 4 s</summary>',
        '',
        'The user wants &lt;/details> lines.',
        '',
        '</details>',
        '',
        'Use `split`:',
        '',
        '```ts',
        'text.split("\\n").length',
        '```',
        '',
        '---',
        '',
        '**You:**',
        '',
        'And in Python?',
        '',
        '**Code Helper:**',
        '',
        'Like this:',
        '',
        '```python',
        'len(open(p).readlines())',
        '```',
        '',
        '*Stopped: the answer is incomplete.*',
        '',
        '---',
        '',
        '**You:**',
        '',
        'Again?',
        '',
        '**Code Helper:**',
        '',
        '> ⚠ Coze refused the key. (code 4100, logid 20261201abc)',
        '',
      ].join('\n'),
    );
  });

  it('names the bot of each turn, and keeps nothing of the history it was not asked for (ids, Coze’s ids, usage)', () => {
    const text = conversationMarkdown({ ...conversation, trimmedTurns: 0, turns: [{ ...conversation.turns[0]!, botId: '7000000000001234567', botName: undefined }] }, OPTIONS);
    assert.match(text, /\*\*Bot …1234567:\*\*/);
    for (const absent of ['7500000000000000001', 'f1', '"t1"', 'tokens', 'And words?', 'older turns']) assert.ok(!text.includes(absent), absent);
  });

  it('closes a fence left open, whatever its length or character, and only then', () => {
    assert.equal(closeOpenFence('```ts\ncode'), '```ts\ncode\n```');
    assert.equal(closeOpenFence('~~~~\ncode\n~~~'), '~~~~\ncode\n~~~\n~~~~', 'a shorter fence does not close it');
    assert.equal(closeOpenFence('````\n```\nstill code'), '````\n```\nstill code\n````');
    assert.equal(closeOpenFence('```js\nx\n```\ntext'), '```js\nx\n```\ntext');
    assert.equal(closeOpenFence('inline ``` is not a fence'), 'inline ``` is not a fence');
    assert.equal(closeOpenFence('``` a`b\nnot code'), '``` a`b\nnot code', 'a backtick in the info string: not a fence');
  });

  it('writes names as code spans whatever backticks they hold', () => {
    assert.equal(inlineCode('a.ts'), '`a.ts`');
    assert.equal(inlineCode('a``b'), '```a``b```');
    assert.equal(inlineCode('`x'), '`` `x ``');
  });

  it('offers a file name from the title that every file system takes', () => {
    assert.equal(exportFileName('How do I count lines?', 'Chat'), 'How do I count lines.md');
    assert.equal(exportFileName('a/b\\c:d*e"f<g>h|i', 'Chat'), 'a b c d e f g h i.md');
    assert.equal(exportFileName('如何统计文件的行数', 'Chat'), '如何统计文件的行数.md');
    assert.equal(exportFileName('...', 'Chat'), 'Chat.md');
    assert.equal(exportFileName('CON', 'Chat'), 'CON_.md');
    assert.equal(exportFileName('x'.repeat(200), 'Chat'), `${'x'.repeat(80)}.md`);
  });
});
