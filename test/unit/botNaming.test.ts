import * as assert from 'node:assert/strict';
import {
  botIdFromInput,
  botNameKey,
  cleanBotName,
  listsBot,
  MAX_CACHED_NAMES,
  MAX_LISTED_BOTS,
  oneLine,
  parseNameCache,
  shortBotId,
  storedBotName,
  withCachedName,
  withListedBot,
} from '../../src/bots/botNaming';

// The pure rules behind bot names (src/bots/botNaming.ts): the short id shown while a name is unknown, the name
// cache's keys and how it is read back, what a pasted id or address yields, and how askCoze.bots grows.

describe('bot names', () => {
  describe('shortBotId', () => {
    it('keeps the last seven digits of a long id, which tell bots apart', () => {
      assert.equal(shortBotId('7445600453913968691'), '…3968691');
      assert.equal(shortBotId(' 7445600453913968691 '), '…3968691');
    });

    it('keeps a short id whole', () => {
      assert.equal(shortBotId('12345678'), '12345678');
      assert.equal(shortBotId('42'), '42');
    });
  });

  describe('botNameKey', () => {
    it('is the base URL and the bot id, whatever the case or a trailing slash', () => {
      assert.equal(botNameKey('https://api.coze.cn', '7445600453913968691'), botNameKey('https://API.coze.cn/', '7445600453913968691'));
    });

    it('tells deployments apart: the same id on another server is another bot', () => {
      assert.notEqual(botNameKey('https://api.coze.cn', '1'), botNameKey('https://api.coze.com', '1'));
      assert.notEqual(botNameKey('http://localhost:8888', '1'), botNameKey('http://localhost:8888', '2'));
    });
  });

  describe('names', () => {
    it('tidies a name to one line and cuts it at 60 characters', () => {
      assert.equal(cleanBotName('  Code \n Helper\t'), 'Code Helper');
      const long = cleanBotName('名'.repeat(80));
      assert.equal(Array.from(long).length, 60);
      assert.ok(long.endsWith('…'));
      assert.equal(cleanBotName(undefined), '');
    });

    it('reads the "Default bot" placeholder older versions stored with a turn as no name', () => {
      assert.equal(storedBotName('Default bot'), undefined);
      assert.equal(storedBotName('默认智能体'), undefined);
      assert.equal(storedBotName('  '), undefined);
      assert.equal(storedBotName('Code Helper'), 'Code Helper');
    });

    it('makes a description one line of at most 200 characters', () => {
      assert.equal(oneLine('Explains\nand reviews   code.'), 'Explains and reviews code.');
      assert.equal(Array.from(oneLine('x'.repeat(500))).length, 200);
    });
  });

  describe('the name cache', () => {
    it('reads back what it stored and drops malformed entries one by one', () => {
      const cache = parseNameCache({
        good: { name: ' Code  Helper ', at: 5 },
        noName: { name: '', at: 5 },
        badTime: { name: 'X', at: 'yesterday' },
        infinite: { name: 'X', at: Infinity },
        notAnEntry: 'Code Helper',
      });
      assert.deepEqual(cache, { good: { name: 'Code Helper', at: 5 } });
    });

    it('is empty for anything that is not a record', () => {
      assert.deepEqual(parseNameCache(undefined), {});
      assert.deepEqual(parseNameCache(['a']), {});
      assert.deepEqual(parseNameCache('x'), {});
    });

    it('adds and refreshes a name, and ignores an empty one', () => {
      const one = withCachedName({}, 'k', 'Old', 1);
      const two = withCachedName(one, 'k', 'New', 2);
      assert.deepEqual(two, { k: { name: 'New', at: 2 } });
      assert.equal(withCachedName(two, 'k', '   ', 3), two);
    });

    it('keeps at most MAX_CACHED_NAMES, dropping the oldest lookups first', () => {
      let cache = {};
      for (let i = 0; i < MAX_CACHED_NAMES + 5; i++) cache = withCachedName(cache, `bot${i}`, `Bot ${i}`, 1000 + i);
      const keys = Object.keys(cache);
      assert.equal(keys.length, MAX_CACHED_NAMES);
      for (let i = 0; i < 5; i++) assert.ok(!keys.includes(`bot${i}`), `bot${i} should have gone`);
      assert.ok(keys.includes(`bot${MAX_CACHED_NAMES + 4}`));
    });
  });

  describe('botIdFromInput', () => {
    it('takes an id, with spaces around it', () => {
      assert.equal(botIdFromInput(' 7445600453913968691\n'), '7445600453913968691');
    });

    it('takes the id from the bot’s address in Coze, which is what people copy', () => {
      assert.equal(botIdFromInput('https://www.coze.cn/space/7300000000000000101/bot/7445600453913968691'), '7445600453913968691');
      assert.equal(botIdFromInput('https://www.coze.com/space/73/bot/7445600453913968691/'), '7445600453913968691');
      assert.equal(botIdFromInput('https://www.coze.cn/store/bot/7385145130602479655?from=x'), '7385145130602479655');
    });

    it('refuses anything else: words, full-width digits, a workspace address, an id too long to be one', () => {
      assert.equal(botIdFromInput('my bot'), undefined);
      assert.equal(botIdFromInput('７４４５'), undefined);
      assert.equal(botIdFromInput('https://www.coze.cn/space/7300000000000000101/develop'), undefined);
      assert.equal(botIdFromInput('1'.repeat(33)), undefined);
      assert.equal(botIdFromInput(''), undefined);
    });
  });

  describe('askCoze.bots', () => {
    const bot = { id: '7445600453913968691', name: 'Code Helper' };

    it('adds the bot at the end, keeping every entry as the user wrote it (chatflows, unknown keys)', () => {
      const raw = [{ name: 'Support flow', workflowId: '7445600453913968692' }, { name: 'Other', id: '1', note: 'mine' }];
      assert.deepEqual(withListedBot(raw, bot), [...raw, { name: 'Code Helper', id: '7445600453913968691' }]);
      assert.deepEqual(withListedBot(undefined, bot), [{ name: 'Code Helper', id: '7445600453913968691' }]);
    });

    it('never adds a bot twice (an id with spaces is the same id)', () => {
      const raw = [{ name: 'Mine', id: ' 7445600453913968691 ' }];
      assert.ok(listsBot(raw, bot.id));
      assert.equal(withListedBot(raw, bot), undefined);
    });

    it('does not count a chatflow entry that happens to carry the id', () => {
      const raw = [{ name: 'Flow', workflowId: '9', id: '7445600453913968691' }];
      assert.ok(!listsBot(raw, bot.id));
      assert.equal(withListedBot(raw, bot)?.length, 2);
    });

    it('adds nothing to a full list, for a bot without a name, or for an id that is not one', () => {
      const full = Array.from({ length: MAX_LISTED_BOTS }, (_, i) => ({ name: `B${i}`, id: String(i + 1) }));
      assert.equal(withListedBot(full, bot), undefined);
      assert.equal(withListedBot([], { id: bot.id, name: ' ' }), undefined);
      assert.equal(withListedBot([], { id: 'abc', name: 'X' }), undefined);
    });

    it('shortens a long name to what the setting allows', () => {
      const added = withListedBot([], { id: bot.id, name: 'n'.repeat(100) }) as Array<{ name: string }>;
      assert.equal(Array.from(added[0]!.name).length, 60);
    });
  });
});
