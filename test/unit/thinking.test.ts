import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { AskResult } from '../../src/ask/askPipeline';
import { parseConversation, type StoredConversation, type StoredTurn } from '../../src/chat/chatModel';
import { ChatStore } from '../../src/chat/chatStore';
import { applyResult, applyUpdate } from '../../src/chat/turnOutcome';
import { boundReasoning, MAX_REASONING, restoreAnswerViewState, type AnswerViewState } from '../../src/protocol';
import type { AskCozeSettings } from '../../src/settings';
import { thinkingOpen, thinkingPhase, thinkingSummary, type ThinkingPhase } from '../../src/webview/shared/thinking';

// A deep-thinking model's reasoning: kept apart from the answer in the chat turn, the history file and the
// answer panel's saved state (bounded), and the Thinking block's decisions — open while thinking, collapsed
// once the answer starts, and the user's own toggle respected from then on.

const STRINGS = { thinking: 'Thinking…', thoughtFor: 'Thought for {0} s', thoughts: 'Thought process' };
const settings = {} as AskCozeSettings;
const WORDS = { conversationForgotten: 'FORGOTTEN' };
const REASONING = 'The user wants a debounce. **Plan:** use `setTimeout`.';

function fixture(): { conversation: StoredConversation; turn: StoredTurn } {
  const turn: StoredTurn = { id: 't1', question: 'Q', answer: '', status: 'waiting', followUps: [], botId: '1', startedAt: 1000 };
  const conversation: StoredConversation = { version: 1, id: 'c1', title: 'Q', botId: '1', createdAt: 1000, updatedAt: 1000, turns: [turn], trimmedTurns: 0 };
  return { conversation, turn };
}

const update = (text: string, reasoning: string, reasoningMs?: number) => ({ text, reasoning, reasoningMs, status: 'in_progress' as const, statusText: 'Thinking · 1 s', elapsedMs: 1000 });

describe('Thinking block: when it is open and what its summary says', () => {
  it('is shown only when there is reasoning, and is "thinking" only until the answer text starts', () => {
    assert.equal(thinkingPhase('', '', true), 'none');
    assert.equal(thinkingPhase('', 'answer', false), 'none');
    assert.equal(thinkingPhase('hmm', '', true), 'thinking');
    assert.equal(thinkingPhase('hmm', 'A', true), 'thought', 'the answer has started');
    assert.equal(thinkingPhase('hmm', '', false), 'thought', 'stopped or failed while thinking: over');
    assert.equal(thinkingPhase('hmm', 'A', false), 'thought');
  });

  it('opens while thinking and collapses when the answer starts, unless the user chose', () => {
    assert.equal(thinkingOpen('thinking', undefined), true);
    assert.equal(thinkingOpen('thought', undefined), false);
    assert.equal(thinkingOpen('none', undefined), false);
    assert.equal(thinkingOpen('thought', true), true, 'opened again by the user: stays open');
    assert.equal(thinkingOpen('thinking', false), false, 'closed by the user while thinking: stays closed');
    assert.equal(thinkingOpen('none', true), false, 'nothing to show');
  });

  it('never changes what the user set, through any sequence of phases', () => {
    const phases = fc.constantFrom<ThinkingPhase>('thinking', 'thought');
    fc.assert(
      fc.property(fc.array(phases, { maxLength: 8 }), fc.boolean(), fc.array(phases, { maxLength: 8 }), (before, choice, after) => {
        for (const p of before) assert.equal(thinkingOpen(p, undefined), p === 'thinking');
        for (const p of after) assert.equal(thinkingOpen(p, choice), choice);
      }),
    );
  });

  it('says "Thinking…" while thinking, then for how long (never 0 s), or no time when it is not known', () => {
    assert.equal(thinkingSummary('thinking', undefined, STRINGS), 'Thinking…');
    assert.equal(thinkingSummary('thinking', 4000, STRINGS), 'Thinking…');
    assert.equal(thinkingSummary('thought', 4200, STRINGS), 'Thought for 4 s');
    assert.equal(thinkingSummary('thought', 120, STRINGS), 'Thought for 1 s');
    assert.equal(thinkingSummary('thought', undefined, STRINGS), 'Thought process');
  });
});

describe('reasoning in a chat turn: apart from the answer', () => {
  it('streams into turn.reasoning, never into the answer, and takes the thinking time once the answer starts', () => {
    const { conversation, turn } = fixture();
    applyUpdate(conversation, turn, update('', 'The user'));
    assert.deepEqual({ answer: turn.answer, reasoning: turn.reasoning, status: turn.status }, { answer: '', reasoning: 'The user', status: 'waiting' });
    applyUpdate(conversation, turn, update('Use', REASONING, 3100));
    assert.equal(turn.answer, 'Use');
    assert.equal(turn.reasoning, REASONING);
    assert.equal(turn.reasoningMs, 3100);
  });

  it('answered: the final reasoning is kept; stopped: the reasoning that arrived stays', () => {
    const a = fixture();
    applyUpdate(a.conversation, a.turn, update('Use', 'partial'));
    const answer = { text: 'Use a timer.', reasoning: REASONING, followUps: [], answers: ['Use a timer.'], conversationId: '7400000000000000003', chatId: '7500000000000000001' };
    applyResult(a.conversation, a.turn, { status: 'answered', answer, elapsedMs: 500, settings }, false, 2500, WORDS);
    assert.deepEqual({ answer: a.turn.answer, reasoning: a.turn.reasoning }, { answer: 'Use a timer.', reasoning: REASONING });

    const b = fixture();
    applyUpdate(b.conversation, b.turn, update('', 'still thinking'));
    const canceled: AskResult = { status: 'canceled', partialText: '', settings };
    applyResult(b.conversation, b.turn, canceled, true, 1800, WORDS);
    assert.deepEqual({ status: b.turn.status, answer: b.turn.answer, reasoning: b.turn.reasoning }, { status: 'stopped', answer: '', reasoning: 'still thinking' });
  });

  it('an answer without reasoning leaves no reasoning field', () => {
    const { conversation, turn } = fixture();
    applyUpdate(conversation, turn, update('Hi', ''));
    assert.ok(!('reasoning' in turn));
  });
});

describe('reasoning, bounded where it is kept (boundReasoning, MAX_REASONING)', () => {
  it('keeps a reasoning within the bound as it is, and cuts a longer one with a mark', () => {
    assert.equal(boundReasoning(REASONING), REASONING);
    const long = 'x'.repeat(MAX_REASONING + 10);
    const bounded = boundReasoning(long);
    assert.equal(bounded, `${'x'.repeat(MAX_REASONING)}\n\n…`);
    assert.equal(boundReasoning(bounded.slice(0, MAX_REASONING)), bounded.slice(0, MAX_REASONING));
  });

  it('a growing reasoning keeps extending its bounded form (the views stream it by offsets)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_REASONING + 50 }), fc.integer({ min: 0, max: 100 }), (n, more) => {
        const text = 'ab'.repeat(Math.ceil((n + more) / 2) + 1);
        assert.ok(boundReasoning(text.slice(0, n + more)).startsWith(boundReasoning(text.slice(0, n))));
      }),
      { numRuns: 50 },
    );
  });
});

describe('reasoning in the history file (StoredTurnSchema)', () => {
  const raw = (turn: Record<string, unknown>) => ({ id: 'c1', title: 't', turns: [{ id: 't1', question: 'q', answer: 'a', status: 'done', followUps: [], ...turn }] });

  it('is read back as written, with its thinking time', () => {
    const turn = parseConversation(raw({ reasoning: REASONING, reasoningMs: 4200 }))!.turns[0]!;
    assert.equal(turn.reasoning, REASONING);
    assert.equal(turn.reasoningMs, 4200);
    assert.equal(turn.answer, 'a', 'the answer stays the answer');
  });

  it('a malformed or empty reasoning costs only that field; a hand-edited long one is cut, not dropped', () => {
    for (const reasoning of [3, null, '', { text: 'x' }]) {
      const turn = parseConversation(raw({ reasoning, reasoningMs: 'soon' }))!.turns[0]!;
      assert.ok(!('reasoning' in turn) && !('reasoningMs' in turn), JSON.stringify(reasoning));
      assert.equal(turn.answer, 'a');
    }
    const long = parseConversation(raw({ reasoning: 'y'.repeat(MAX_REASONING * 2) }))!.turns[0]!;
    assert.equal(long.reasoning, boundReasoning('y'.repeat(MAX_REASONING * 2)));
  });

  it('survives a save and a load through the ChatStore', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-thinking-'));
    try {
      const { conversation, turn } = fixture();
      Object.assign(turn, { answer: 'Use a timer.', status: 'done', reasoning: REASONING, reasoningMs: 4200 });
      const store = new ChatStore(dir);
      await store.load();
      await store.save(conversation);
      const again = new ChatStore(dir);
      await again.load();
      const read = await again.read('c1');
      assert.equal(read?.turns[0]?.reasoning, REASONING);
      assert.equal(read?.turns[0]?.reasoningMs, 4200);
      assert.equal(read?.turns[0]?.answer, 'Use a timer.');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reasoning in the answer panel saved state (AnswerViewStateSchema)', () => {
  const state: AnswerViewState = { question: 'Q', text: 'Use a timer.', phase: 'done', followUps: [], botId: '7445600453913968691', reasoning: REASONING, reasoningMs: 4200 };

  it('is restored after a reload, apart from the text', () => {
    assert.deepEqual(restoreAnswerViewState(JSON.parse(JSON.stringify(state))), state);
  });

  it('a reload while thinking keeps what arrived; a bad field is dropped, the panel still restores', () => {
    const restored = restoreAnswerViewState({ ...state, text: '', phase: 'waiting', reasoningMs: undefined })!;
    assert.equal(restored.phase, 'canceled');
    assert.equal(restored.reasoning, REASONING);
    const bad = restoreAnswerViewState({ ...state, reasoning: 42, reasoningMs: Infinity })!;
    assert.ok(!('reasoning' in bad) && !('reasoningMs' in bad));
    assert.equal(bad.text, 'Use a timer.');
  });
});
