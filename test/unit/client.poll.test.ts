import { strict as assert } from 'node:assert';
import type { AskProgress } from '../../src/coze';
import { BOT_ID, expectCozeError, requestsTo, useFakeCoze } from './cozeTestKit';

// Every case runs against both wire dialects of the fake: Coze's cloud and self-hosted Coze Studio
// (docs/coze-api.md#coze-studio); the Studio-only cases are in studio.test.ts.
for (const dialect of ['cloud', 'studio'] as const) {
  describe(`CozeClient poll flow (against the fake server${dialect === 'cloud' ? '' : ', Coze Studio dialect'})`, () => {
    const kit = useFakeCoze({ dialect });

    it('creates the chat, polls until completed, then reads the answer, follow-ups and usage', async () => {
      kit.fake.setBehavior({ answers: ['Hello **there**'], followUps: ['More?', 'Why?'] });
      const progress: AskProgress[] = [];
      const answer = await kit.client().ask('Hi', { mode: 'poll', onProgress: (p) => progress.push(p) });

      assert.equal(answer.text, 'Hello **there**');
      assert.deepEqual(answer.answers, ['Hello **there**']);
      assert.deepEqual(answer.followUps, ['More?', 'Why?']);
      const chat = kit.fake.chat(answer.chatId);
      assert.ok(chat, 'the chat id is the one Coze created');
      assert.equal(answer.conversationId, chat.conversationId);
      assert.ok(answer.usage && answer.usage.tokenCount > 0);
      assert.deepEqual(answer.usage, {
        tokenCount: chat.usage!.token_count,
        outputCount: chat.usage!.output_count,
        inputCount: chat.usage!.input_count,
      });

      const [create] = requestsTo(kit.fake, 'chat');
      assert.deepEqual(create!.body, {
        bot_id: BOT_ID,
        user_id: 'user-1',
        stream: false,
        auto_save_history: true,
        additional_messages: [{ role: 'user', type: 'question', content: 'Hi', content_type: 'text' }],
      });
      assert.equal(create!.headers['content-type'], 'application/json');
      const polls = requestsTo(kit.fake, 'retrieve');
      assert.ok(polls.length >= 1);
      for (const p of polls) {
        assert.equal(p.method, 'GET');
        assert.deepEqual(p.query, { conversation_id: answer.conversationId, chat_id: answer.chatId });
      }
      assert.equal(requestsTo(kit.fake, 'list').length, 1);

      // Progress: ids known from the start, text empty until the end, elapsed time never goes back.
      assert.ok(progress.length >= 2);
      for (const p of progress) {
        assert.equal(p.chatId, answer.chatId);
        assert.equal(p.conversationId, answer.conversationId);
      }
      assert.ok(progress.slice(0, -1).every((p) => p.text === ''));
      assert.equal(progress.at(-1)!.status, 'completed');
      assert.equal(progress.at(-1)!.text, answer.text);
      for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.elapsedMs >= progress[i - 1]!.elapsedMs);
    });

    it('picks messages by type, keeps several answers in order, leaves out reasoning and tool messages', async () => {
      kit.fake.setBehavior({
        answers: ['First part.', 'Second part.'],
        reasoning: 'SECRET-THINKING',
        extraMessages: [
          { type: 'function_call', content: '{"name":"search"}', content_type: 'object_string' },
          { type: 'tool_output', content: '{"result":1}', content_type: 'object_string' },
          { type: 'knowledge', content: 'recalled text' },
        ],
        followUps: [],
      });
      const answer = await kit.client().ask('Explain', { mode: 'poll' });
      assert.deepEqual(answer.answers, ['First part.', 'Second part.']);
      assert.equal(answer.text, 'First part.\n\nSecond part.');
      assert.deepEqual(answer.followUps, []);
      assert.ok(!answer.text.includes('SECRET-THINKING'));
      assert.ok(!answer.text.includes('generate_answer_finish'), 'the verbose packet is not the answer');
    });

    it('waits pollIntervalMs between polls (lower bound, from the server clock)', async () => {
      kit.fake.setBehavior({ completeAfterMs: 150 });
      await kit.client({ pollIntervalMs: 40 }).ask('Slow one', { mode: 'poll' });
      const starts = requestsTo(kit.fake, 'retrieve').map((r) => r.startedAt);
      assert.ok(starts.length >= 2);
      for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 40 - 5, `gap ${starts[i]! - starts[i - 1]!}`);
    });

    it('requires_action → requires-action', async () => {
      kit.fake.setBehavior({ finalStatus: 'requires_action' });
      const err = await expectCozeError(kit, kit.client().ask('Weather?', { mode: 'poll' }));
      assert.equal(err.kind, 'requires-action');
      assert.ok(err.chatId);
    });

    it('canceled (by someone else) → canceled, and the polling stops', async () => {
      kit.fake.setBehavior({ finalStatus: 'canceled', completeAfterMs: 50 });
      const err = await expectCozeError(kit, kit.client().ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'canceled');
      assert.match(err.message, /canceled on the Coze side/);
      const polls = requestsTo(kit.fake, 'retrieve').length;
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(requestsTo(kit.fake, 'retrieve').length, polls, 'no poll after the final status');
    });

    it('continues a conversation: conversation_id in the query, never in the body', async () => {
      const client = kit.client();
      const first = await client.ask('One', { mode: 'poll' });
      const second = await client.ask('Two', { mode: 'poll', conversationId: first.conversationId });
      assert.equal(second.conversationId, first.conversationId);
      assert.notEqual(second.chatId, first.chatId);
      const [c1, c2] = requestsTo(kit.fake, 'chat');
      assert.equal(c1!.query.conversation_id, undefined);
      assert.equal(c2!.query.conversation_id, first.conversationId);
      for (const c of [c1!, c2!]) {
        assert.equal(c.conversationIdInBody, undefined);
        assert.ok(!('conversation_id' in (c.body as object)));
      }
      assert.match(second.text, /turn 2/);
    });

    it('returns the conversation id Coze sends back', async () => {
      const answer = await kit.client().ask('Q', { mode: 'poll' });
      assert.equal(answer.conversationId, kit.fake.chat(answer.chatId)!.conversationId);
    });
  });
}
