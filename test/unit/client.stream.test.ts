import { strict as assert } from 'node:assert';
import type { AskProgress } from '../../src/coze';
import type { BehaviorPatch } from '../fake-coze/behavior';
import { BOT_ID, eventually, expectCozeError, requestsTo, useFakeCoze } from './cozeTestKit';

const CHINESE = '扣子（Coze）是新一代 AI 应用开发平台。🚀 你好，世界！\n第二行：代码 `x = 1`。';

// Every case runs against both wire dialects of the fake: Coze's cloud and self-hosted Coze Studio
// (docs/coze-api.md#coze-studio); the Studio-only cases are in studio.test.ts.
for (const dialect of ['cloud', 'studio'] as const) {
  describe(`CozeClient stream flow (against the fake server${dialect === 'cloud' ? '' : ', Coze Studio dialect'})`, () => {
    const kit = useFakeCoze({ dialect });

    it('streams the answer: deltas, follow-ups, usage, ids, progress on every delta', async () => {
      kit.fake.setBehavior({ answers: [CHINESE], followUps: ['再来一个？'], deltaSize: 3 });
      const progress: AskProgress[] = [];
      const answer = await kit.client().ask('你好', { onProgress: (p) => progress.push({ ...p }) });

      assert.equal(answer.text, CHINESE);
      assert.deepEqual(answer.answers, [CHINESE]);
      assert.deepEqual(answer.followUps, ['再来一个？']);
      const chat = kit.fake.chat(answer.chatId)!;
      assert.equal(answer.conversationId, chat.conversationId);
      assert.equal(answer.usage?.tokenCount, chat.usage?.token_count);

      const reqs = requestsTo(kit.fake, 'chat');
      assert.equal(reqs.length, 1);
      assert.equal(kit.fake.requests.length, 1, 'one call answers the question');
      assert.deepEqual(reqs[0]!.body, {
        bot_id: BOT_ID,
        user_id: 'user-1',
        stream: true,
        auto_save_history: true,
        additional_messages: [{ role: 'user', type: 'question', content: '你好', content_type: 'text' }],
      });

      // One progress per delta (at least): text grows by prefixes of the answer.
      const deltas = Math.ceil(Array.from(CHINESE).length / 3);
      const withText = progress.filter((p) => p.text !== '');
      assert.ok(withText.length >= deltas, `${withText.length} progress reports for ${deltas} deltas`);
      for (const p of withText) assert.ok(CHINESE.startsWith(p.text));
      assert.equal(progress.at(-1)!.status, 'completed');
      assert.ok(progress.every((p) => p.chatId === answer.chatId && p.conversationId === answer.conversationId));
    });

    const formats: Array<[string, BehaviorPatch]> = [
      ['space after colon', { sse: { spaceAfterColon: true } }],
      ['CRLF line ends', { sse: { crlf: true } }],
      ['bare [DONE]', { sse: { done: 'bare' } }],
      ['no done event (Coze Studio)', { sse: { done: 'none' } }],
      ['1-byte chunks (splits inside UTF-8)', { chunking: { bytes: 1 } }],
      ['7-byte chunks', { chunking: { bytes: 7 }, sse: { crlf: true, spaceAfterColon: true } }],
      ['random chunks', { chunking: 'random', seed: 42 }],
    ];
    for (const [name, patch] of formats) {
      it(`reads the same answer with ${name}`, async () => {
        kit.fake.setBehavior({ answers: [CHINESE, 'Part two'], followUps: ['下一步？'], deltaSize: 6, ...patch });
        const answer = await kit.client().ask('Q');
        assert.deepEqual(answer.answers, [CHINESE, 'Part two']);
        assert.equal(answer.text, `${CHINESE}\n\nPart two`);
        assert.deepEqual(answer.followUps, ['下一步？']);
        assert.equal(kit.fake.requests.length, 1, 'no extra call');
      });
    }

    it('keeps interleaved answer messages apart, in order of first appearance', async () => {
      kit.fake.setBehavior({ answers: ['AAAA AAAA AAAA', 'BBBB BBBB BBBB'], interleave: true, deltaSize: 2 });
      const texts: string[] = [];
      const answer = await kit.client().ask('Q', { onProgress: (p) => texts.push(p.text) });
      assert.deepEqual(answer.answers, ['AAAA AAAA AAAA', 'BBBB BBBB BBBB']);
      assert.equal(answer.text, 'AAAA AAAA AAAA\n\nBBBB BBBB BBBB');
      // While streaming, A's part always comes first and B's text is never mixed into it.
      for (const t of texts) assert.match(t, /^(A[A ]*)?(\n\n)?(B[B ]*)?$/);
    });

    it('never includes reasoning_content or non-answer messages', async () => {
      kit.fake.setBehavior({
        answers: ['The answer.'],
        reasoning: 'THINKING-THINKING-THINKING',
        extraMessages: [
          { type: 'function_call', content: '{"name":"search"}', content_type: 'object_string' },
          { type: 'knowledge', content: 'KNOWLEDGE' },
        ],
      });
      const texts: string[] = [];
      const answer = await kit.client().ask('Q', { onProgress: (p) => texts.push(p.text) });
      assert.equal(answer.text, 'The answer.');
      for (const t of [...texts, answer.text]) {
        assert.ok(!t.includes('THINKING') && !t.includes('KNOWLEDGE') && !t.includes('search'));
      }
    });

    it('continues a conversation with conversation_id in the query', async () => {
      const client = kit.client();
      const first = await client.ask('One');
      const second = await client.ask('Two', { conversationId: first.conversationId });
      assert.equal(second.conversationId, first.conversationId);
      const [, c2] = requestsTo(kit.fake, 'chat');
      assert.equal(c2!.query.conversation_id, first.conversationId);
      assert.equal(c2!.conversationIdInBody, undefined);
    });

    it('conversation.chat.requires_action → requires-action', async () => {
      kit.fake.setBehavior({ finalStatus: 'requires_action' });
      const err = await expectCozeError(kit, kit.client().ask('Weather?'));
      assert.equal(err.kind, 'requires-action');
    });

    it('a stream that ends without a final event asks Coze how the chat ended (canceled)', async () => {
      kit.fake.setBehavior({ finalStatus: 'canceled' });
      const err = await expectCozeError(kit, kit.client().ask('Q'));
      assert.equal(err.kind, 'canceled');
      assert.equal(requestsTo(kit.fake, 'retrieve').length, 1);
    });

    it('an application/json error body for a stream request → api error (4100 with HTTP 401, not retried)', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'json-error-for-stream', code: 4100, msg: 'authentication is invalid', status: 401 });
      const err = await expectCozeError(kit, kit.client().ask('Q'));
      assert.equal(err.kind, 'api');
      assert.equal(err.code, 4100);
      assert.equal(err.httpStatus, 401);
      assert.ok(err.logId);
      assert.match(err.message, /4100/);
      assert.match(err.message, /authentication is invalid/);
      assert.ok(err.message.includes(err.logId!));
      assert.match(err.message, /region/);
      assert.equal(requestsTo(kit.fake, 'chat').length, 1);
    });

    it('handles a 1 MB answer in 10,000 deltas with a progress callback that reads the text', async function () {
      this.timeout(30_000);
      const big = 'x'.repeat(1_000_000);
      kit.fake.setBehavior({ answers: [big], deltaSize: 100, followUps: [] });
      let calls = 0;
      let lastLength = 0;
      const answer = await kit.client().ask('Big', {
        onProgress: (p) => {
          calls++;
          lastLength = p.text.length;
        },
      });
      assert.equal(answer.text.length, 1_000_000);
      assert.ok(answer.text === big);
      assert.ok(calls >= 10_000);
      assert.equal(lastLength, 1_000_000);
    });

    it('closes the connection when the caller stops (the server sees the client leave)', async () => {
      kit.fake.setBehavior({ answers: ['a'.repeat(400)], deltaSize: 1, deltaIntervalMs: 5, completeAfterMs: 5000 });
      const ac = new AbortController();
      let chatId: string | undefined;
      const p = kit.client().ask('Q', {
        signal: ac.signal,
        onProgress: (pr) => {
          chatId ??= pr.chatId;
          if (pr.text.length >= 3) ac.abort();
        },
      });
      const err = await expectCozeError(kit, p);
      assert.equal(err.kind, 'canceled');
      assert.ok(err.partialText.length >= 3);
      assert.equal(err.chatId, chatId);
      assert.equal(requestsTo(kit.fake, 'cancel').length, 1, 'the running chat is canceled on Coze');
      assert.equal(kit.fake.chat(chatId!)!.status, 'canceled');
      await eventually(() => kit.fake.chat(chatId!)!.clientDisconnected, 2000, 'the stream to be closed');
    });
  });
}
