import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AskOutcome } from '../../src/answerPanel/answerSurface';
import { ChatStore } from '../../src/chat/chatStore';
import type { AnswerViewState, ChatTurnView, ChatViewState } from '../../src/protocol';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { askInChat, newChat } from './chatDriver';
import { activateForTests, chatRequests, configure, fake, resetFakeAndKey, waitFor } from './fakeControl';

// A deep-thinking model's reasoning ("Thinking" block) inside a real extension host, against the fake Coze
// server streaming reasoning_content before the content: in the answer panel and in the chat, the reasoning is
// kept apart from the answer — in the state the views render, in what goes onward (follow-ups, Continue in
// chat, the next question), in the history file and in a restored panel — and what arrived stays on Stop.
// That the block collapses once the answer starts is a browser test (test/e2e/ui): the DOM is not reachable here.

let api: AskCozeTestingApi;

const MARK = 'REASONING-7f3a';
const REASONING = `${MARK}: the user wants to *debounce* a handler.\n\n1. Keep a timer.\n2. Reset it on each call.\n\n\`\`\`ts\nclearTimeout(t);\n\`\`\`\n\nThat is the plan.`;
const ANSWER = 'Use a timer:\n\n```ts\nlet t: ReturnType<typeof setTimeout>;\n```';

const ask = (question: string, mode?: 'stream' | 'poll') =>
  vscode.commands.executeCommand<AskOutcome>('askCoze.ask', { question, mode }) as Promise<AskOutcome>;
const panelState = (): AnswerViewState | undefined => api.latestPanel()?.state;
const chatState = (): ChatViewState => api.chat.state();
const lastTurn = (): ChatTurnView | undefined => chatState().turns.at(-1);

/** Nothing sent to Coze carries the reasoning: each question goes out as typed. */
async function assertReasoningNeverSent(): Promise<void> {
  const requests = await fake.requests();
  assert.ok(requests.length > 0);
  assert.ok(!JSON.stringify(requests).includes(MARK), 'the reasoning was sent to Coze');
}

/** A stream that stops (socket open) after its first reasoning deltas: the model is "still thinking". */
const stallWhileThinking = () => fake.fault({ endpoint: 'chat', stream: true, kind: 'stall-mid-stream', afterEvents: 5 });

suite('Thinking (reasoning shown apart from the answer)', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({ bots: [] });
  });

  setup(async () => {
    await resetFakeAndKey(api, { completeAfterMs: 150, answers: [ANSWER], reasoning: REASONING, followUps: ['And throttle?'] });
    await newChat(api);
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await configure({ bots: undefined });
  });

  test('answer panel: the reasoning is kept apart from the answer, never sent onward, and a restored panel keeps it', async () => {
    const outcome = await ask('How do I debounce?', 'stream');
    assert.equal(outcome.status, 'answered', JSON.stringify(outcome));
    if (outcome.status !== 'answered') return;
    assert.equal(outcome.text, ANSWER, 'the answer is the content only');
    assert.equal(outcome.reasoning, REASONING);

    const state = panelState()!;
    assert.equal(state.phase, 'done');
    assert.equal(state.text, ANSWER, 'the text the panel renders, copies and inserts has no reasoning');
    assert.ok(!state.text.includes(MARK));
    assert.equal(state.reasoning, REASONING);
    assert.equal(typeof state.reasoningMs, 'number', 'the thinking time, for "Thought for N s"');

    // A follow-up goes out as its own text, continuing the conversation.
    api.sendFromPanel({ type: 'askFollowUp', question: 'And throttle?' });
    await waitFor('the follow-up answer', () => (panelState()?.question === 'And throttle?' && panelState()?.phase === 'done') || undefined);
    const chats = await chatRequests();
    assert.equal(chats.length, 2);
    const messages = (chats[1]!.body as { additional_messages: Array<{ content: string }> }).additional_messages;
    assert.deepEqual(messages.map((m) => m.content), ['And throttle?']);
    await assertReasoningNeverSent();

    // VS Code saves the page's state (structured clone) and hands it back after a window reload.
    await api.restorePanel(JSON.parse(JSON.stringify(state)));
    const restored = await waitFor('the restored panel', () => (panelState()?.question === 'How do I debounce?' ? panelState() : undefined));
    assert.equal(restored.reasoning, REASONING);
    assert.equal(restored.reasoningMs, state.reasoningMs);
    assert.equal(restored.text, ANSWER);
  });

  test('answer panel, poll mode: the reasoning of the finished answer is shown, apart from it', async () => {
    const outcome = await ask('How do I debounce (poll)?', 'poll');
    assert.equal(outcome.status, 'answered', JSON.stringify(outcome));
    const state = panelState()!;
    assert.equal(state.text, ANSWER);
    assert.equal(state.reasoning, REASONING);
  });

  test('answer panel: while the model thinks, the state has its reasoning and no text; Stop keeps what arrived', async () => {
    await stallWhileThinking();
    const asked = ask('Think hard, then stop', 'stream');
    const thinking = await waitFor('reasoning without an answer', () => (panelState()?.reasoning ? panelState() : undefined));
    assert.equal(thinking.text, '');
    assert.equal(thinking.phase, 'waiting');
    assert.ok(REASONING.startsWith(thinking.reasoning!) && thinking.reasoning!.length < REASONING.length, 'only what streamed so far');
    assert.equal(thinking.reasoningMs, undefined, 'still thinking: no thinking time yet');

    await vscode.commands.executeCommand('askCoze.stop');
    const outcome = await asked;
    assert.equal(outcome.status, 'canceled');
    const stopped = panelState()!;
    assert.equal(stopped.phase, 'canceled');
    assert.equal(stopped.text, '');
    assert.equal(stopped.reasoning, thinking.reasoning, 'the reasoning that arrived is kept');
  });

  test('chat: the reasoning is in the turn apart from the answer, in the history file, and back when reopened', async () => {
    const turn = await askInChat(api, 'How do I debounce?');
    assert.equal(turn.status, 'done');
    assert.equal(turn.answer, ANSWER, 'the answer (copied, inserted, continued) has no reasoning');
    assert.equal(turn.reasoning, REASONING);
    assert.equal(typeof turn.reasoningMs, 'number');

    // A model that does not reason: its turn has no reasoning.
    await fake.behavior({ reasoning: null, answers: ['Plain answer.'] });
    const plain = await askInChat(api, 'And without thinking?');
    assert.equal(plain.answer, 'Plain answer.');
    assert.equal(plain.reasoning, undefined);
    const chats = await chatRequests();
    const messages = (chats.at(-1)!.body as { additional_messages: Array<{ content: string }> }).additional_messages;
    assert.deepEqual(messages.map((m) => m.content), ['And without thinking?'], 'the next question goes out alone');
    await assertReasoningNeverSent();

    const id = chatState().conversationId;
    const dir = api.chat.storeDir();
    const file = path.join(dir, 'conversations', `${id}.json`);
    await waitFor('the saved turns', () => (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('Plain answer.')) || undefined);
    const store = new ChatStore(dir);
    await store.load();
    const stored = (await store.read(id))!;
    assert.equal(stored.turns[0]!.reasoning, REASONING);
    assert.equal(stored.turns[0]!.answer, ANSWER);
    assert.equal(stored.turns[0]!.reasoningMs, turn.reasoningMs);
    assert.ok(!('reasoning' in stored.turns[1]!));

    // Another chat, then this one again from the history: read back from its file.
    await newChat(api);
    api.chat.send({ type: 'openConversation', id });
    const reopened = await waitFor('the reopened conversation', () => (chatState().conversationId === id ? chatState() : undefined));
    assert.equal(reopened.turns[0]!.reasoning, REASONING);
    assert.equal(reopened.turns[0]!.answer, ANSWER);
  });

  test('chat: Stop while thinking keeps the reasoning that arrived; Retry thinks afresh', async () => {
    await stallWhileThinking();
    api.chat.send({ type: 'send', text: 'Think hard, then stop' });
    const thinking = await waitFor('reasoning without an answer', () => (lastTurn()?.reasoning ? lastTurn() : undefined));
    assert.equal(thinking.answer, '');
    assert.equal(thinking.status, 'waiting');
    api.chat.send({ type: 'stop' });
    await waitFor('the stopped turn', () => (lastTurn()?.status === 'stopped' && !chatState().busy) || undefined);
    await api.chat.whenIdle();
    const stopped = lastTurn()!;
    assert.equal(stopped.answer, '');
    assert.ok(stopped.reasoning && REASONING.startsWith(stopped.reasoning), 'what arrived is kept');

    api.chat.send({ type: 'retry', turnId: stopped.id });
    const retried = await waitFor('the retried answer', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 30_000);
    await api.chat.whenIdle();
    assert.equal(chatState().turns.length, 1, 'asked again in place');
    assert.equal(retried.reasoning, REASONING, 'the new reasoning, not appended to the old one');
    assert.equal(retried.answer, ANSWER);
  });

  test('"Continue in chat" carries the reasoning as reasoning and the answer as the answer', async () => {
    const outcome = await ask('Asked in the panel', 'stream');
    assert.equal(outcome.status, 'answered');
    api.sendFromPanel({ type: 'continueInChat' });
    const adopted = await waitFor('the adopted turn', () => (chatState().turns[0]?.question === 'Asked in the panel' ? chatState().turns[0] : undefined));
    assert.equal(adopted.answer, ANSWER);
    assert.equal(adopted.reasoning, REASONING);
  });
});
