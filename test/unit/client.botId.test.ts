import { strict as assert } from 'node:assert';
import { BOT_ID, expectCozeError, requestsTo, useFakeCoze } from './cozeTestKit';

// One client serves several bots (the chat can use another bot than Ask Coze), so that they share one pool
// and one rate limiter: the bot is chosen per question.

describe('CozeClient bot per question', () => {
  const kit = useFakeCoze();

  for (const mode of ['stream', 'poll'] as const) {
    it(`asks the bot given with the question (${mode}), else the client's`, async () => {
      await kit.client().ask('default bot', { mode });
      await kit.client().ask('other bot', { mode, botId: '7000000000000000001' });
      const bots = requestsTo(kit.fake, 'chat').map((r) => (r.body as { bot_id: unknown }).bot_id);
      assert.deepEqual(bots, [BOT_ID, '7000000000000000001']);
    });
  }

  it('refuses a bot id that is not digits before sending anything', async () => {
    const err = await expectCozeError(kit, kit.client().ask('which bot?', { botId: 'my-bot' }));
    assert.equal(err.kind, 'invalid-input');
    assert.equal(err.invalidOption, 'botId');
    assert.equal(kit.fake.requests.length, 0);
  });
});
