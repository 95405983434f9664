import * as assert from 'node:assert/strict';
import { parseChatViewMessage, restoreAnswerViewState } from '../../src/protocol';

// What Select Bot adds to the webview protocol (src/protocol.ts): the chat header's button message, validated like
// every other, and the bot's name in the answer panel's state, read back leniently after a reload.

describe('Select Bot in the webview protocol', () => {
  it('accepts the chat header’s Select Bot message, and nothing riding on it', () => {
    assert.deepEqual(parseChatViewMessage({ type: 'openBotPicker' }), { type: 'openBotPicker' });
    assert.equal(parseChatViewMessage({ type: 'openBotPicker', botId: '7445600453913968691' }), undefined);
    assert.equal(parseChatViewMessage({ type: 'openBotPicker', command: 'workbench.action.terminal.new' }), undefined);
  });

  it('keeps the bot’s name of a saved answer panel, and drops a malformed one without losing the panel', () => {
    const saved = { question: 'q', text: 'a', phase: 'done', followUps: [], botId: '7445600453913968691', botName: 'Code Helper' };
    assert.equal(restoreAnswerViewState(saved)?.botName, 'Code Helper');
    const bad = restoreAnswerViewState({ ...saved, botName: { html: '<img src=x>' } });
    assert.ok(bad, 'the panel is still restored');
    assert.ok(!('botName' in bad), 'without the malformed name');
    assert.equal(restoreAnswerViewState({ ...saved, botName: 'n'.repeat(201) })?.botName, undefined, 'an unbounded name is not kept');
  });
});
