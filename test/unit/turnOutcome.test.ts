import { strict as assert } from 'node:assert';
import type { AskResult } from '../../src/ask/askPipeline';
import type { FixAction } from '../../src/ask/fixActionList';
import type { StoredConversation, StoredTurn } from '../../src/chat/chatModel';
import { applyResult, applyUpdate } from '../../src/chat/turnOutcome';
import type { AskCozeSettings } from '../../src/settings';

// How a chat turn ends, without VS Code: answered, stopped (by the user or canceled), failed with its fixes,
// and the 4002 rule (Coze forgot the conversation: the next question starts a new one).

const settings = {} as AskCozeSettings;
const WORDS = { conversationForgotten: 'FORGOTTEN' };

function fixture(): { conversation: StoredConversation; turn: StoredTurn } {
  const turn: StoredTurn = { id: 't1', question: 'Q', answer: '', status: 'waiting', followUps: [], botId: '1', startedAt: 1000 };
  const conversation: StoredConversation = {
    version: 1,
    id: 'c1',
    title: 'Q',
    botId: '1',
    createdAt: 1000,
    updatedAt: 1000,
    turns: [turn],
    trimmedTurns: 0,
    cozeConversationId: '7400000000000000001',
  };
  return { conversation, turn };
}

const failed = (code: number | undefined, partialText = '', actions: FixAction[] = ['retry', 'openLog']): AskResult => ({
  status: 'failed',
  kind: 'api',
  error: { severity: 'error', message: 'It failed', actions, code, logId: 'L1' },
  partialText,
  settings,
});

describe('turnOutcome (how a chat turn ends)', () => {
  it('streams: the text grows and the Coze conversation is remembered as soon as it is known', () => {
    const { conversation, turn } = fixture();
    delete conversation.cozeConversationId;
    applyUpdate(conversation, turn, { text: '', status: 'in_progress', statusText: 'Thinking · 1 s', elapsedMs: 1000, conversationId: '7400000000000000002', reasoning: '' });
    assert.equal(turn.status, 'waiting');
    assert.equal(conversation.cozeConversationId, '7400000000000000002');
    applyUpdate(conversation, turn, { text: 'Hel', status: 'in_progress', statusText: '', elapsedMs: 1200, reasoning: '' });
    assert.equal(turn.status, 'streaming');
    assert.equal(turn.answer, 'Hel');
  });

  it('answered: text, follow-ups, usage, time and chat id', () => {
    const { conversation, turn } = fixture();
    const answer = { text: 'Hello', followUps: ['More?'], conversationId: '7400000000000000003', chatId: '7500000000000000001', usage: { tokenCount: 3, outputCount: 2, inputCount: 1 } };
    applyResult(conversation, turn, { status: 'answered', answer: answer as never, elapsedMs: 500, settings }, false, 2500, WORDS);
    assert.deepEqual(
      { status: turn.status, answer: turn.answer, followUps: turn.followUps, usage: turn.usage, elapsedMs: turn.elapsedMs, chatId: turn.chatId },
      { status: 'done', answer: 'Hello', followUps: ['More?'], usage: answer.usage, elapsedMs: 1500, chatId: answer.chatId },
    );
    assert.equal(conversation.cozeConversationId, answer.conversationId);
  });

  it('stopped just as it completed: kept as the user saw it', () => {
    const { conversation, turn } = fixture();
    turn.answer = 'Hel';
    turn.status = 'stopped';
    applyResult(conversation, turn, { status: 'answered', answer: { text: 'Hello', followUps: [], conversationId: 'x', chatId: 'y' } as never, elapsedMs: 1, settings }, true, 2000, WORDS);
    assert.equal(turn.status, 'stopped');
    assert.equal(turn.answer, 'Hel');
  });

  it('canceled: stopped, keeping the longer of what was shown and what the client kept', () => {
    const { conversation, turn } = fixture();
    turn.answer = 'Hel';
    applyResult(conversation, turn, { status: 'canceled', partialText: 'Hello wor', settings }, false, 1800, WORDS);
    assert.equal(turn.status, 'stopped');
    assert.equal(turn.answer, 'Hello wor');
    assert.equal(turn.elapsedMs, 800);
  });

  it('failed: the message, code, logid and the fixes a chat turn offers (never Retry: it has its own button)', () => {
    const { conversation, turn } = fixture();
    applyResult(conversation, turn, failed(4100, 'partial', ['retry', 'setKey', 'openLog']), false, 3000, WORDS);
    assert.equal(turn.status, 'failed');
    assert.equal(turn.answer, 'partial', 'nothing received is lost');
    assert.deepEqual(turn.error, { message: 'It failed', actions: ['setKey', 'openLog'], code: 4100, logId: 'L1' });
    assert.equal(conversation.cozeConversationId, '7400000000000000001', 'other failures keep the conversation');
  });

  it('4002: Coze forgot the conversation, so the next question starts a new one, and the message says so', () => {
    const { conversation, turn } = fixture();
    applyResult(conversation, turn, failed(4002), false, 3000, WORDS);
    assert.equal(conversation.cozeConversationId, undefined);
    assert.equal(turn.error?.message, 'It failed FORGOTTEN');
  });
});
