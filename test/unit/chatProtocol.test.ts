import * as assert from 'node:assert/strict';
import { MAX_WEBVIEW_STRING, parseAnswerViewMessage, parseChatViewMessage } from '../../src/protocol';

// Every message from the chat webview is validated by the extension: the webview renders untrusted bot output,
// so what it sends is untrusted input too.

describe('chat: protocol validation (parseChatViewMessage)', () => {
  const good: unknown[] = [
    { type: 'ready' },
    { type: 'send', text: 'How do I debounce?' },
    { type: 'stop' },
    { type: 'retry', turnId: 'abc_123-x' },
    { type: 'newChat' },
    { type: 'openConversation', id: 'c1' },
    { type: 'renameConversation', id: 'c1', title: 'Debouncing' },
    { type: 'deleteConversation', id: 'c1' },
    { type: 'selectBot', botId: '7445600453913968691' },
    { type: 'fixAction', action: 'setKey' },
    { type: 'fixAction', action: 'openProxySettings' },
    { type: 'copy', text: '' },
    { type: 'insertCode', code: 'const x = 1;\n' },
    { type: 'openLink', href: 'https://www.coze.cn' },
  ];

  it('accepts every well-formed message, unchanged', () => {
    for (const message of good) assert.deepEqual(parseChatViewMessage(message), message, JSON.stringify(message));
  });

  it('rejects unknown types, extra keys, missing keys and wrong types', () => {
    const bad: unknown[] = [
      null,
      'ready',
      42,
      [],
      { type: 'eval', code: 'x' },
      { type: 'READY' },
      { type: 'ready', extra: 1 },
      { type: 'send' },
      { type: 'send', text: 42 },
      { type: 'send', text: '   ' },
      { type: 'send', text: 'hi', conversationId: 'c1' },
      { type: 'retry', turnId: 7 },
      { type: 'openConversation', id: '../../etc/passwd' },
      { type: 'openConversation', id: '' },
      { type: 'deleteConversation', id: 'a/b' },
      { type: 'renameConversation', id: 'c1' },
      { type: 'renameConversation', id: 'c1', title: '' },
      { type: 'selectBot', botId: 'bot-1' },
      { type: 'selectBot', botId: 7445600453913968691 },
      { type: 'fixAction', action: 'retry' },
      { type: 'fixAction', action: 'runCommand' },
      { type: 'copy', text: { toString: 'x' } },
      { type: 'insertCode' },
      { type: 'openLink', href: null },
      Object.assign(Object.create({ type: 'ready' }), {}),
    ];
    for (const message of bad) assert.equal(parseChatViewMessage(message), undefined, JSON.stringify(message) ?? String(message));
  });

  it('rejects oversized strings', () => {
    assert.equal(parseChatViewMessage({ type: 'send', text: 'x'.repeat(100_001) }), undefined);
    assert.equal(parseChatViewMessage({ type: 'renameConversation', id: 'c1', title: 'x'.repeat(201) }), undefined);
    assert.equal(parseChatViewMessage({ type: 'openLink', href: `https://a.b/${'x'.repeat(9000)}` }), undefined);
    assert.equal(parseChatViewMessage({ type: 'retry', turnId: 'x'.repeat(65) }), undefined);
    assert.equal(parseChatViewMessage({ type: 'insertCode', code: 'x'.repeat(MAX_WEBVIEW_STRING + 1) }), undefined);
  });

  it('knows the answer panel\'s "Continue in chat"', () => {
    assert.deepEqual(parseAnswerViewMessage({ type: 'continueInChat' }), { type: 'continueInChat' });
    assert.equal(parseAnswerViewMessage({ type: 'continueInChat', question: 'x' }), undefined);
  });
});
