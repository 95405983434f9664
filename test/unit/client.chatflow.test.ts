// ask() with a chatflow (docs/coze-api.md#chatflows): POST /v1/workflows/chat with conversation_id in the body,
// bot_id only when given, the same events and answer as a bot's chat, and poll mode read as a stream.

import { strict as assert } from 'node:assert';
import { BOT_ID, expectCozeError, useFakeCoze } from './cozeTestKit';

const FLOW = '7500000000000000123';
const APP = '7500000000000000456';

describe('CozeClient.ask with a chatflow (against the fake server)', () => {
  const kit = useFakeCoze();
  const flows = () => kit.fake.requests.filter((r) => r.endpoint === 'chatflow');

  it('sends workflow_id, the question and parameters, no bot_id of the client, and reads the answer', async () => {
    kit.fake.setBehavior({ answers: ['Flow answer.'], followUps: ['More?'] });
    const answer = await kit.client().ask('Hi flow', { workflowId: FLOW, parameters: { lang: 'zh', n: 2 } });
    assert.equal(answer.text, 'Flow answer.');
    assert.deepEqual(answer.followUps, ['More?']);
    assert.ok(answer.conversationId && answer.chatId);
    const [req] = flows();
    assert.equal(req!.method, 'POST');
    assert.deepEqual(req!.query, {}, 'nothing in the query');
    assert.deepEqual(req!.body, {
      workflow_id: FLOW,
      additional_messages: [{ role: 'user', type: 'question', content: 'Hi flow', content_type: 'text' }],
      parameters: { lang: 'zh', n: 2 },
    });
    assert.equal(kit.fake.requests.length, 1, 'no /v3/chat, no extra call');
    const chat = kit.fake.chat(answer.chatId)!;
    assert.equal(chat.workflowId, FLOW);
    assert.deepEqual(chat.parameters, { lang: 'zh', n: 2 });
  });

  it('sends bot_id when given explicitly, app_id when given', async () => {
    const client = kit.client();
    await client.ask('Q', { workflowId: FLOW, botId: BOT_ID });
    await client.ask('Q', { workflowId: FLOW, appId: APP });
    const [withBot, withApp] = flows().map((r) => r.body as Record<string, unknown>);
    assert.equal(withBot!.bot_id, BOT_ID);
    assert.equal(withBot!.app_id, undefined);
    assert.equal(withApp!.app_id, APP);
    assert.equal(withApp!.bot_id, undefined);
  });

  it('continues a conversation with conversation_id in the BODY', async () => {
    const client = kit.client();
    const first = await client.ask('One', { workflowId: FLOW });
    const second = await client.ask('Two', { workflowId: FLOW, conversationId: first.conversationId });
    assert.equal(second.conversationId, first.conversationId);
    const req = flows()[1]!;
    assert.equal((req.body as Record<string, unknown>).conversation_id, first.conversationId);
    assert.equal(req.query.conversation_id, undefined);
  });

  it('poll mode reads the chatflow as a stream (the endpoint only streams)', async () => {
    kit.fake.setBehavior({ answers: ['Streamed anyway.'] });
    const answer = await kit.client().ask('Q', { workflowId: FLOW, mode: 'poll' });
    assert.equal(answer.text, 'Streamed anyway.');
    assert.equal(kit.fake.requests.length, 1, 'no retrieve polls');
  });

  it('carries reasoning like a bot chat', async () => {
    kit.fake.setBehavior({ answers: ['A.'], reasoning: 'hmm' });
    const answer = await kit.client().ask('Q', { workflowId: FLOW });
    assert.equal(answer.reasoning, 'hmm');
    assert.equal(answer.text, 'A.');
  });

  it('refuses attachments (a chatflow takes text only; files go through its parameters), before sending', async () => {
    const err = await expectCozeError(kit, kit.client().ask('Q', { workflowId: FLOW, attachments: [{ type: 'file', fileId: '7300000000000000001' }] }));
    assert.equal(err.invalidOption, 'attachments');
    assert.equal(kit.fake.requests.length, 0);
  });

  it('a Question node (requires_action) ends the turn with its question as the answer', async () => {
    kit.fake.setBehavior({ finalStatus: 'requires_action', answers: ['Which city?'] });
    const answer = await kit.client().ask('Weather', { workflowId: FLOW });
    assert.equal(answer.text, 'Which city?');
    assert.equal(kit.fake.chat(answer.chatId)!.status, 'requires_action');
    // The user's reply continues the same conversation.
    kit.fake.setBehavior({ finalStatus: 'completed', answers: ['Sunny in Beijing.'] });
    const next = await kit.client().ask('Beijing', { workflowId: FLOW, conversationId: answer.conversationId });
    assert.equal(next.text, 'Sunny in Beijing.');
  });

  it('refuses a workflow or app id that is not digits, before sending', async () => {
    const client = kit.client();
    const bad = await expectCozeError(kit, client.ask('Q', { workflowId: 'flow-1' }));
    assert.equal(bad.invalidOption, 'workflowId');
    const badApp = await expectCozeError(kit, client.ask('Q', { workflowId: FLOW, appId: 'x' }));
    assert.equal(badApp.invalidOption, 'appId');
    assert.equal(kit.fake.requests.length, 0);
  });

  it('the fake refuses bot_id together with app_id (4000), as Coze does', async () => {
    const err = await expectCozeError(kit, kit.client().ask('Q', { workflowId: FLOW, botId: BOT_ID, appId: APP }));
    assert.equal(err.code, 4000);
    assert.ok(err.logId);
  });
});
