// ask() with attachments (docs/coze-api.md#files-and-attachments): one object_string user message whose content
// is the JSON string of [text, …files], exactly; and what the fake (like Coze) refuses.

import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import type { ResponseMode } from '../../src/coze';
import { BOT_ID, expectCozeError, requestsTo, useFakeCoze } from './cozeTestKit';

const MODES: readonly ResponseMode[] = ['stream', 'poll'];

describe('CozeClient.ask with attachments (against the fake server)', () => {
  const kit = useFakeCoze();

  for (const mode of MODES) {
    it(`${mode}: sends one object_string message, text first, and the bot gets the parsed items`, async () => {
      const client = kit.client();
      const doc = await client.uploadFile({ name: 'notes.md', data: randomBytes(100) });
      const img = await client.uploadFile({ name: 'shot.png', data: randomBytes(100) });
      kit.fake.setBehavior({ answerFor: { 'What is in these?': ['A doc and a picture.'] } });
      const answer = await client.ask('What is in these?', {
        mode,
        attachments: [
          { type: 'file', fileId: doc.id },
          { type: 'image', fileId: img.id },
        ],
      });
      assert.equal(answer.text, 'A doc and a picture.');
      const body = requestsTo(kit.fake, 'chat')[0]!.body as Record<string, unknown>;
      assert.deepEqual(body.additional_messages, [
        {
          role: 'user',
          type: 'question',
          content_type: 'object_string',
          content: `[{"type":"text","text":"What is in these?"},{"type":"file","file_id":"${doc.id}"},{"type":"image","file_id":"${img.id}"}]`,
        },
      ]);
      assert.deepEqual(kit.fake.chat(answer.chatId)!.contentItems, [
        { type: 'text', text: 'What is in these?' },
        { type: 'file', file_id: doc.id },
        { type: 'image', file_id: img.id },
      ]);
    });
  }

  it('an empty attachment list sends the ordinary text message', async () => {
    await kit.client().ask('Plain', { attachments: [] });
    const body = requestsTo(kit.fake, 'chat')[0]!.body as Record<string, unknown>;
    assert.deepEqual(body.additional_messages, [{ role: 'user', type: 'question', content: 'Plain', content_type: 'text' }]);
  });

  it('a file id Coze does not know: 4000 with code and logid, nothing retried', async () => {
    const err = await expectCozeError(kit, kit.client().ask('Q', { attachments: [{ type: 'file', fileId: '7300000000000000001' }] }));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 4000);
    assert.match(err.message, /7300000000000000001/);
    assert.equal(err.logId, requestsTo(kit.fake, 'chat')[0]!.logid);
    assert.equal(requestsTo(kit.fake, 'chat').length, 1);
  });

  it('refuses a malformed attachment before sending', async () => {
    const client = kit.client();
    for (const bad of [[{ type: 'video', fileId: '1' }], [{ type: 'file', fileId: 'abc' }], [{ type: 'image' }]]) {
      const err = await expectCozeError(kit, client.ask('Q', { attachments: bad as never }));
      assert.equal(err.kind, 'invalid-input');
      assert.equal(err.invalidOption, 'attachments');
    }
    assert.equal(kit.fake.requests.length, 0);
  });

  it('attachments work with another bot of the same client', async () => {
    const client = kit.client();
    const f = await client.uploadFile({ name: 'a.py', data: new TextEncoder().encode('print(1)') });
    const a = await client.ask('Explain', { botId: BOT_ID, attachments: [{ type: 'file', fileId: f.id }] });
    assert.ok(a.text.includes('Explain'), 'the fake answers the text item');
  });
});
