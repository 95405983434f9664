import * as assert from 'node:assert/strict';
import { askTarget, chatflowKey, parseBots } from '../../src/chat/chatModel';
import { parseChatViewMessage } from '../../src/protocol';

// askCoze.bots may name chatflows beside bots: the chat talks to them the same way, through the pipeline with a
// workflowId. Their key in the chat never collides with a bot id.

describe('settings: chatflows in askCoze.bots (parseBots)', () => {
  it('takes { name, workflowId } with an optional appId or botId, keyed apart from bot ids', () => {
    const problems: string[] = [];
    const bots = parseBots(
      [
        { name: 'Reviewer', id: '7445600453913968691' },
        { name: ' Support\n flow ', workflowId: ' 7445600453913968691 ', appId: '42' },
        { name: 'Bot flow', workflowId: '99', botId: '7445600453913968691' },
      ],
      problems,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(bots, [
      { id: '7445600453913968691', name: 'Reviewer' },
      { kind: 'chatflow', id: 'chatflow:7445600453913968691', name: 'Support flow', workflowId: '7445600453913968691', appId: '42' },
      { kind: 'chatflow', id: 'chatflow:99', name: 'Bot flow', workflowId: '99', botId: '7445600453913968691' },
    ]);
  });

  it('an entry with a workflowId is a chatflow or nothing, never a bot; problems say which field', () => {
    const problems: string[] = [];
    const bots = parseBots(
      [
        { name: 'Both', id: '1', workflowId: '2' },
        { name: 'Bad flow', id: '1', workflowId: 'flow' },
        { name: 'Bad app', workflowId: '3', appId: 'app' },
        { name: 'Again', workflowId: '2' },
      ],
      problems,
    );
    assert.deepEqual(bots.map((b) => b.id), ['chatflow:2'], 'the id beside a workflowId is ignored; a repeated chatflow is skipped');
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /"Bad flow".*needs a "name" and a numeric "workflowId" string/);
    assert.match(problems[1]!, /"Bad app"/);
  });
});

describe('chat: what the pipeline is asked with (askTarget)', () => {
  it('a bot by its id; a chatflow by its workflow, app and bot', () => {
    assert.deepEqual(askTarget({ id: '7445600453913968691', name: 'B' }), { botId: '7445600453913968691' });
    assert.deepEqual(askTarget({ kind: 'chatflow', id: chatflowKey('5'), name: 'F', workflowId: '5', appId: '6' }), { workflowId: '5', appId: '6', botId: undefined });
  });

  it('a conversation whose chatflow left the setting still asks that chatflow', () => {
    assert.deepEqual(askTarget({ id: 'chatflow:5', name: '' }), { workflowId: '5' });
  });
});

describe('chat: the bot switch may pick a chatflow (parseChatViewMessage)', () => {
  it('accepts a bot id or a chatflow key, nothing else', () => {
    assert.ok(parseChatViewMessage({ type: 'selectBot', botId: '7445600453913968691' }));
    assert.ok(parseChatViewMessage({ type: 'selectBot', botId: 'chatflow:7445600453913968691' }));
    for (const bad of ['chatflow:', 'chatflow:x', 'workflow:1', 'chatflow:1:2', ' 1']) {
      assert.equal(parseChatViewMessage({ type: 'selectBot', botId: bad }), undefined, bad);
    }
  });
});
