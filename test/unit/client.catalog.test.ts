// listWorkspaces, listBots and getBot against the fake (docs/coze-api.md#workspaces-and-bots): every page, the
// stops that keep a wrong server from looping the client, the permission and Studio failures.

import { strict as assert } from 'node:assert';
import { BOT_ID, expectCozeError, useFakeCoze } from './cozeTestKit';
import { PERSONAL_WORKSPACE_ID, TEAM_WORKSPACE_ID, defaultBots } from '../fake-coze/catalog';

const to = (kit: ReturnType<typeof useFakeCoze>, endpoint: string) => kit.fake.requests.filter((r) => r.endpoint === endpoint);

describe('CozeClient workspaces and bots (against the fake server)', () => {
  const kit = useFakeCoze();

  it('listWorkspaces reads every page (page_num from 1, 50 a page) until total_count', async () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ id: String(7300000000000001000n + BigInt(i)), name: `Space ${i}` }));
    kit.fake.setBehavior({ workspaces: many });
    const list = await kit.client().listWorkspaces();
    assert.deepEqual(list, many);
    const reqs = to(kit, 'workspaces');
    assert.deepEqual(reqs.map((r) => r.query), [1, 2, 3].map((n) => ({ page_num: String(n), page_size: '50' })));
  });

  it('listWorkspaces: the seeded workspaces, one request', async () => {
    const list = await kit.client().listWorkspaces();
    assert.deepEqual(list, [
      { id: PERSONAL_WORKSPACE_ID, name: 'Personal' },
      { id: TEAM_WORKSPACE_ID, name: '研发团队' },
    ]);
    assert.equal(to(kit, 'workspaces').length, 1);
  });

  it('listWorkspaces stops at an empty page when total_count lies', async () => {
    kit.fake.setBehavior({ workspaces: [{ id: '7300000000000000001', name: 'Only' }], workspacesTotal: 1000 });
    const list = await kit.client().listWorkspaces();
    assert.deepEqual(list, [{ id: '7300000000000000001', name: 'Only' }]);
    assert.equal(to(kit, 'workspaces').length, 2, 'page 1, then the empty page 2 ends the list');
  });

  it('listBots reads both pages of the 23 API bots, with the API-channel filter on every request', async () => {
    const bots = await kit.client().listBots({ workspaceId: PERSONAL_WORKSPACE_ID });
    assert.equal(bots.length, 23);
    assert.ok(!bots.some((b) => b.name === 'Draft Bot'), 'an unpublished bot is not listed');
    assert.deepEqual(bots[0], {
      id: BOT_ID,
      name: 'Code Helper',
      description: 'Explains and reviews code, writes tests.',
      iconUrl: 'https://lf-coze-web-cdn.coze.cn/obj/fake-coze/bot-icon-2.png',
    });
    const third = bots.find((b) => b.name === 'Helper 03')!;
    assert.equal(third.description, '', 'no description is the empty string');
    assert.equal(third.iconUrl, undefined, 'no icon');
    const reqs = to(kit, 'bots');
    assert.deepEqual(
      reqs.map((r) => r.query),
      ['1', '2'].map((page_num) => ({ workspace_id: PERSONAL_WORKSPACE_ID, publish_status: 'published_online', connector_id: '1024', page_num, page_size: '20' })),
    );
  });

  it('listBots keeps only an https icon', async () => {
    const bots = await kit.client().listBots({ workspaceId: TEAM_WORKSPACE_ID });
    assert.deepEqual(bots.map((b) => [b.name, b.iconUrl]), [
      ['翻译助手', 'https://lf-coze-web-cdn.coze.cn/obj/fake-coze/bot-icon-40.png'],
      ['SQL Expert', undefined],
    ]);
  });

  it('listBots: exactly one full page ends without asking for an empty one', async () => {
    const twenty = defaultBots().filter((b) => b.published !== false).slice(0, 20);
    kit.fake.setBehavior({ bots: twenty });
    const bots = await kit.client().listBots({ workspaceId: PERSONAL_WORKSPACE_ID });
    assert.equal(bots.length, 20);
    assert.equal(to(kit, 'bots').length, 1, 'total reached after page 1');
  });

  it('listBots without the listBot permission: 4101 with code and logid', async () => {
    kit.fake.setBehavior({ botListDenied: 4101 });
    const err = await expectCozeError(kit, kit.client().listBots({ workspaceId: PERSONAL_WORKSPACE_ID }));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 4101);
    const rec = to(kit, 'bots')[0]!;
    assert.ok(err.logId && err.logId === rec.logid, 'the logid of the reply');
    assert.equal(to(kit, 'bots').length, 1, '4101 is not retried');
  });

  it('listBots refuses a workspace id that is not digits, before sending', async () => {
    const err = await expectCozeError(kit, kit.client().listBots({ workspaceId: 'my space' }));
    assert.equal(err.kind, 'invalid-input');
    assert.equal(err.invalidOption, 'workspaceId');
    assert.equal(kit.fake.requests.length, 0);
  });

  it('listBots is retried after a gateway 502', async () => {
    kit.fake.addFault({ endpoint: 'bots', kind: 'http', status: 502, body: 'html' });
    const bots = await kit.client().listBots({ workspaceId: TEAM_WORKSPACE_ID });
    assert.equal(bots.length, 2);
    assert.equal(to(kit, 'bots').length, 2);
  });

  it('getBot: GET /v1/bots/:id maps bot_id, name, description and an https icon', async () => {
    const bot = await kit.client().getBot(BOT_ID);
    assert.deepEqual(bot, {
      id: BOT_ID,
      name: 'Code Helper',
      description: 'Explains and reviews code, writes tests.',
      iconUrl: 'https://lf-coze-web-cdn.coze.cn/obj/fake-coze/bot-icon-2.png',
    });
    assert.deepEqual(kit.fake.requests.map((r) => `${r.method} ${r.path}`), [`GET /v1/bots/${BOT_ID}`]);
  });

  it('getBot of an unknown bot: the api error with code and logid', async () => {
    const err = await expectCozeError(kit, kit.client().getBot('7445600453913960000'));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 4200);
    assert.ok(err.logId);
  });

  it('getBot refuses an id that is not digits, before sending', async () => {
    const err = await expectCozeError(kit, kit.client().getBot('bot-1'));
    assert.equal(err.invalidOption, 'botId');
    assert.equal(kit.fake.requests.length, 0);
  });

  it('a list is canceled by its signal', async () => {
    kit.fake.setBehavior({ latencyMs: 5000 });
    const stop = new AbortController();
    const p = kit.client().listWorkspaces({ signal: stop.signal });
    setTimeout(() => stop.abort(), 30);
    const err = await expectCozeError(kit, p);
    assert.equal(err.kind, 'canceled');
  });
});

describe('CozeClient workspaces and bots against Coze Studio (fake, studio dialect)', () => {
  const kit = useFakeCoze({ dialect: 'studio' });

  it('listWorkspaces and listBots: HTTP 404, Studio has no lists', async () => {
    for (const p of [kit.client().listWorkspaces(), kit.client().listBots({ workspaceId: PERSONAL_WORKSPACE_ID })]) {
      const err = await expectCozeError(kit, p);
      assert.equal(err.httpStatus, 404);
      assert.equal(err.code, 404);
    }
  });

  it('getBot works on Studio', async () => {
    const bot = await kit.client().getBot(BOT_ID);
    assert.equal(bot.name, 'Code Helper');
  });
});
