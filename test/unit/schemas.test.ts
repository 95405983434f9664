import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseBots, parseConversation } from '../../src/chat/chatModel';
import { ChatStore } from '../../src/chat/chatStore';
import { parseAskArgs } from '../../src/commandArgs';
import { isValidBotId } from '../../src/endpoint';
import { COZE_ID_PATTERN, isBotId, isCozeId, isLocalId } from '../../src/ids';
import { MAX_WEBVIEW_STRING, parseAnswerViewMessage, parseChatViewMessage, restoreAnswerViewState, type AnswerViewState } from '../../src/protocol';

// Data that crosses a boundary (saved webview state, files on disk, settings, command arguments) is read through
// one schema each. These cases pin what each accepts, what it drops and what it refuses.

const root = path.resolve(__dirname, '..', '..', '..');
const CONVERSATION_ID = '7446063421326934055';

/** No field of a record read back is `undefined`: unusable fields are left out, not copied as undefined. */
function assertNoUndefined(value: unknown, where = '$'): void {
  if (Array.isArray(value)) value.forEach((item, i) => assertNoUndefined(item, `${where}[${i}]`));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, field] of Object.entries(value)) {
      assert.notEqual(field, undefined, `${where}.${key} is undefined`);
      assertNoUndefined(field, `${where}.${key}`);
    }
  }
}

describe('ids: one rule for local ids, one for Coze ids', () => {
  it('takes every bot id the tests and Coze use, from 1 to 32 ASCII digits', () => {
    for (const id of ['1', '123', '123456789', '1234567890123', '7445600453913968691', '7000000000000000001', '9'.repeat(32)]) {
      assert.ok(isBotId(id) && isCozeId(id) && isValidBotId(id), id);
    }
  });

  it('refuses anything else as a bot id', () => {
    const bad = ['', ' ', 'my-bot', 'bot-1', 'bot_123', 'not-a-number', '7445600453913968691x', ' 7445600453913968691', '12 34', '-1', '+1', '1e9', '1.5', '７４４５', '٣٤', '9'.repeat(33)];
    for (const id of bad) assert.ok(!isBotId(id) && !isValidBotId(id), JSON.stringify(id));
  });

  it('is the rule settings.json is checked with (package.json patterns)', () => {
    type Item = { properties: Record<string, { pattern?: string }> };
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { pattern?: string; items?: Item & { anyOf?: Item[] } }> } };
    };
    const props = pkg.contributes.configuration.properties;
    assert.equal(props['askCoze.botId']!.pattern, COZE_ID_PATTERN.source);
    // askCoze.bots: a bot or a chatflow; askCoze.workflows: every id field is a Coze id.
    const items = [...props['askCoze.bots']!.items!.anyOf!, props['askCoze.workflows']!.items!];
    const ids = items.flatMap((item) => Object.entries(item.properties).filter(([key]) => /(^id|Id)$/.test(key)));
    assert.equal(ids.length, 7);
    for (const [key, field] of ids) assert.equal(field.pattern, COZE_ID_PATTERN.source, key);
  });

  it('keeps local ids to file-name-safe characters, 1 to 64 of them', () => {
    for (const id of ['c1', 'abc_123-x', 'A'.repeat(64), '0']) assert.ok(isLocalId(id), id);
    for (const id of ['', '../x', 'a/b', 'a\\b', 'a.b', 'a b', 'é', 'A'.repeat(65)]) assert.ok(!isLocalId(id), id);
  });
});

describe('answer panel: messages from the webview (parseAnswerViewMessage)', () => {
  it('accepts every well-formed message, unchanged', () => {
    const good: unknown[] = [
      { type: 'ready' },
      { type: 'openLink', href: 'https://www.coze.cn' },
      { type: 'copy', text: '' },
      { type: 'copy', text: 'x'.repeat(MAX_WEBVIEW_STRING) },
      { type: 'askFollowUp', question: 'And then?' },
      { type: 'retry' },
      { type: 'continueInChat' },
    ];
    for (const message of good) assert.deepEqual(parseAnswerViewMessage(message), message, JSON.stringify(message).slice(0, 80));
  });

  it('rejects unknown types, extra or missing keys, wrong types, blank or over-long text', () => {
    const bad: unknown[] = [
      undefined,
      null,
      'ready',
      [],
      Object.assign([], { type: 'ready' }),
      Object.create({ type: 'ready' }),
      { type: 'state' },
      { type: 'ready', extra: 1 },
      { type: 'retry', question: 'x' },
      { type: 'openLink' },
      { type: 'openLink', href: 42 },
      { type: 'openLink', href: `https://a.b/${'x'.repeat(8_192)}` },
      { type: 'copy', text: 'x'.repeat(MAX_WEBVIEW_STRING + 1) },
      { type: 'askFollowUp', question: ' \n\t' },
      { type: 'askFollowUp', question: 'x'.repeat(100_001) },
      { type: 'askFollowUp', question: 'q', conversationId: CONVERSATION_ID },
    ];
    for (const message of bad) assert.equal(parseAnswerViewMessage(message), undefined, String(JSON.stringify(message)).slice(0, 80));
  });

  it('takes a question right at the bound', () => {
    assert.ok(parseAnswerViewMessage({ type: 'askFollowUp', question: 'x'.repeat(100_000) }));
    assert.ok(parseAnswerViewMessage({ type: 'openLink', href: 'x'.repeat(8_192) }));
  });

  it('the chat view counts own keys only too', () => {
    assert.equal(parseChatViewMessage(Object.assign([], { type: 'ready' })), undefined);
    assert.equal(parseChatViewMessage({ type: 'renameConversation', id: 'c1', title: 'x'.repeat(200) })?.type, 'renameConversation');
    assert.equal(parseChatViewMessage({ type: 'selectBot', botId: '9'.repeat(33) }), undefined);
  });
});

describe('answer panel: the saved state it is restored from (restoreAnswerViewState)', () => {
  const finished: AnswerViewState = {
    question: 'How do I debounce?',
    text: 'Use a timer.',
    phase: 'done',
    followUps: ['And throttle?'],
    usage: { tokenCount: 30, outputCount: 20, inputCount: 10 },
    botId: '7445600453913968691',
    conversationId: CONVERSATION_ID,
    elapsedMs: 1234,
  };

  it('keeps the Coze conversation, so that a follow-up after a reload continues it', () => {
    const restored = restoreAnswerViewState(JSON.parse(JSON.stringify(finished)));
    assert.equal(restored?.conversationId, CONVERSATION_ID);
    assert.deepEqual(restored, finished);
  });

  it('drops a conversation id that is not a Coze id, and keeps the rest', () => {
    for (const conversationId of ['', 'abc', '../../x', `${CONVERSATION_ID} `, '1'.repeat(33), 7446063421326934055, null, {}]) {
      const restored = restoreAnswerViewState({ ...finished, conversationId });
      assert.ok(restored, String(conversationId));
      assert.ok(!('conversationId' in restored), String(conversationId));
      assert.equal(restored.text, finished.text);
    }
    assert.equal(restoreAnswerViewState({ ...finished, conversationId: undefined })?.conversationId, undefined);
  });

  it('an answer cut short by the reload is canceled, without its status line', () => {
    for (const phase of ['waiting', 'streaming'] as const) {
      const restored = restoreAnswerViewState({ ...finished, phase, statusText: 'in_progress · 3 s' })!;
      assert.equal(restored.phase, 'canceled');
      assert.ok(!('statusText' in restored));
      assert.equal(restored.conversationId, CONVERSATION_ID, 'the conversation goes on with a follow-up');
    }
    assert.equal(restoreAnswerViewState({ ...finished, phase: 'failed' })!.phase, 'failed');
    assert.equal(restoreAnswerViewState({ ...finished, phase: 'canceled' })!.phase, 'canceled');
    for (const phase of ['bogus', 3, undefined]) assert.equal(restoreAnswerViewState({ ...finished, phase })!.phase, 'done', String(phase));
  });

  it('needs a question and a text; anything else is not a saved panel', () => {
    for (const saved of [undefined, null, 'state', 42, [], {}, { question: 'q' }, { text: 't' }, { question: 1, text: 't' }, { question: 'q', text: null }]) {
      assert.equal(restoreAnswerViewState(saved), undefined, JSON.stringify(saved));
    }
    assert.deepEqual(restoreAnswerViewState({ question: 'q', text: '' }), { question: 'q', text: '', phase: 'done', followUps: [], botId: '' });
  });

  it('takes only well-formed optional fields', () => {
    const restored = restoreAnswerViewState({
      question: 'q',
      text: 't',
      phase: 'failed',
      followUps: ['a', 2, null, 'b', ...Array.from({ length: 20 }, (_, i) => `f${i}`)],
      botId: 7445600453913968691,
      error: { message: 'Coze failed', code: 'x', logId: 'L1' },
      usage: { tokenCount: 5 },
      elapsedMs: 'soon',
      extra: 'ignored',
    })!;
    assert.deepEqual(restored.followUps, ['a', 'b', 'f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7']);
    assert.equal(restored.botId, '');
    assert.deepEqual(restored.error, { message: 'Coze failed', logId: 'L1' });
    assertNoUndefined(restored);
    assert.deepEqual(restored.usage, { tokenCount: 5, outputCount: 0, inputCount: 0 });
    assert.equal(restored.elapsedMs, undefined);
    assert.ok(!('extra' in restored));
    assert.equal(restoreAnswerViewState({ question: 'q', text: 't', error: { code: 1 } })!.error, undefined, 'an error needs its message');
    assert.equal(restoreAnswerViewState({ question: 'q', text: 't', usage: { outputCount: 1 } })!.usage, undefined, 'usage needs its total');
    assert.deepEqual(restoreAnswerViewState({ question: 'q', text: 't', followUps: 'a' })!.followUps, []);
  });
});

describe('chat history: a conversation file (parseConversation)', () => {
  const full = {
    version: 1,
    id: 'c1',
    title: 'Debouncing',
    titleEdited: true,
    botId: '7445600453913968691',
    botName: 'Helper',
    cozeConversationId: CONVERSATION_ID,
    createdAt: 1,
    updatedAt: 2,
    trimmedTurns: 3,
    turns: [
      {
        id: 't1',
        question: 'q',
        answer: 'a',
        status: 'failed',
        followUps: ['f'],
        botId: '7445600453913968691',
        botName: 'Helper',
        usage: { tokenCount: 3, outputCount: 2, inputCount: 1 },
        startedAt: 10,
        elapsedMs: 20,
        chatId: '7446063421326934056',
        error: { message: 'm', code: 4015, logId: 'L', actions: ['setKey', 'openLog'] },
      },
    ],
  };

  it('reads back every field it wrote', () => {
    assert.deepEqual(parseConversation(JSON.parse(JSON.stringify(full))), full);
  });

  it('leaves out optional fields that are empty or malformed, never copying an undefined', () => {
    const c = parseConversation({
      ...full,
      titleEdited: false,
      botName: '',
      cozeConversationId: '',
      extra: 1,
      turns: [{ ...full.turns[0], botName: '', chatId: '', elapsedMs: '1', usage: 'lots', error: { message: 'm', code: '1', logId: '', actions: 'all' } }],
    })!;
    assertNoUndefined(c);
    assert.deepEqual(Object.keys(c).sort(), ['botId', 'createdAt', 'id', 'title', 'trimmedTurns', 'turns', 'updatedAt', 'version']);
    assert.deepEqual(Object.keys(c.turns[0]!).sort(), ['answer', 'botId', 'error', 'followUps', 'id', 'question', 'startedAt', 'status']);
    assert.deepEqual(c.turns[0]!.error, { message: 'm', actions: [] });
    assert.equal(parseConversation({ ...full, titleEdited: 'yes' })!.titleEdited, undefined);
  });

  it('defaults what a conversation cannot do without', () => {
    const c = parseConversation({ id: 'c1', title: '', turns: [{ id: 't1', question: '', answer: '', status: 'done' }] })!;
    assert.deepEqual(c, {
      version: 1,
      id: 'c1',
      title: '',
      botId: '',
      createdAt: 0,
      updatedAt: 0,
      trimmedTurns: 0,
      turns: [{ id: 't1', question: '', answer: '', status: 'done', followUps: [], botId: '', startedAt: 0 }],
    });
    const infinite = parseConversation(JSON.parse('{"id":"c1","title":"t","turns":[],"updatedAt":1e999,"createdAt":"1"}'))!;
    assert.equal(infinite.updatedAt, 0);
    assert.equal(infinite.createdAt, 0);
    assert.deepEqual(parseConversation({ ...full, turns: [{ ...full.turns[0], usage: { tokenCount: 9 } }] })!.turns[0]!.usage, { tokenCount: 9, outputCount: 0, inputCount: 0 });
  });

  it('reads files of this version or older (or unversioned), refuses newer ones', () => {
    for (const version of [undefined, 0, 1, -1, '2', null]) assert.equal(parseConversation({ ...full, version })?.version, 1, String(version));
    for (const version of [2, 1.5, 99]) assert.equal(parseConversation({ ...full, version }), undefined, String(version));
  });

  it('is not a conversation without a safe id, a title and a list of turns', () => {
    for (const raw of [null, [], 'c1', { ...full, id: undefined }, { ...full, id: '' }, { ...full, id: 'a.b' }, { ...full, title: 7 }, { ...full, turns: {} }]) {
      assert.equal(parseConversation(raw), undefined, JSON.stringify(raw)?.slice(0, 80));
    }
  });

  it('skips malformed turns and marks unfinished ones interrupted', () => {
    const turn = full.turns[0]!;
    const c = parseConversation({
      ...full,
      turns: [null, { ...turn, id: '../t' }, { ...turn, status: 'thinking' }, { ...turn, question: 1 }, { ...turn, id: 't2', status: 'waiting' }, { ...turn, id: 't3', status: 'streaming' }, { ...turn, id: 't4', status: 'stopped' }],
    })!;
    assert.deepEqual(c.turns.map((t) => [t.id, t.status]), [['t2', 'interrupted'], ['t3', 'interrupted'], ['t4', 'stopped']]);
  });

  it('gives every conversation its own lists', () => {
    const a = parseConversation({ id: 'a', title: 't', turns: [{ id: 't1', question: '', answer: '', status: 'done' }] })!;
    const b = parseConversation({ id: 'b', title: 't', turns: [{ id: 't1', question: '', answer: '', status: 'done', error: { message: 'm' } }] })!;
    a.turns[0]!.followUps.push('mutated');
    b.turns[0]!.error!.actions.push('setKey');
    const c = parseConversation({ id: 'c', title: 't', turns: [{ id: 't1', question: '', answer: '', status: 'done', error: { message: 'm' } }] })!;
    assert.deepEqual(c.turns[0]!.followUps, []);
    assert.deepEqual(c.turns[0]!.error!.actions, []);
  });
});

describe('chat history: the index (index.json)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-schemas-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const conversation = (id: string, title: string) => ({ version: 1, id, title, botId: '123', createdAt: 1, updatedAt: 1, turns: [], trimmedTurns: 0 });

  /** Writes two conversations and an index by hand; the index claims other titles than the files hold. */
  async function storeWithIndex(entries: (stat: { a: fs.Stats; b: fs.Stats }) => unknown, version: unknown = 1): Promise<ChatStore> {
    fs.mkdirSync(path.join(dir, 'conversations'));
    const file = (id: string) => path.join(dir, 'conversations', `${id}.json`);
    fs.writeFileSync(file('a'), JSON.stringify(conversation('a', 'File a')));
    fs.writeFileSync(file('b'), JSON.stringify(conversation('b', 'File b')));
    const stat = { a: fs.statSync(file('a')), b: fs.statSync(file('b')) };
    fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ version, entries: entries(stat) }));
    const store = new ChatStore(dir);
    await store.load();
    return store;
  }

  const entry = (id: string, s: fs.Stats, summary: Record<string, unknown> = {}) => ({
    summary: { id, title: `Index ${id}`, updatedAt: 1, botId: '123', turns: 0, ...summary },
    size: s.size,
    mtimeMs: s.mtimeMs,
  });

  it('trusts a well-formed entry whose file is unchanged, with the shape summarize() gives', async () => {
    const store = await storeWithIndex((s) => [entry('a', s.a), entry('b', s.b, { botName: 'Helper', extra: 1 })]);
    assert.deepEqual(store.list().map((x) => x.title).sort(), ['Index a', 'Index b']);
    const a = store.list().find((x) => x.id === 'a')!;
    assert.ok('botName' in a && a.botName === undefined);
    assert.deepEqual(store.list().find((x) => x.id === 'b'), { id: 'b', title: 'Index b', updatedAt: 1, botId: '123', botName: 'Helper', turns: 0 });
  });

  it('reads the file again for a malformed entry, and keeps the good ones', async () => {
    const store = await storeWithIndex((s) => [null, 'a', entry('a', s.a, { turns: 'none' }), entry('b', s.b, { botName: 7 })]);
    const titles = Object.fromEntries(store.list().map((x) => [x.id, x.title]));
    assert.deepEqual(titles, { a: 'File a', b: 'Index b' }, 'a malformed botName costs only the botName');
    for (const bad of [{ id: '../a' }, { title: 1 }, { updatedAt: '1' }, { botId: 123 }]) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir);
      const again = await storeWithIndex((s) => [entry('a', s.a, bad), entry('b', s.b)]);
      assert.equal(again.list().find((x) => x.id === 'a')?.title, 'File a', JSON.stringify(bad));
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    const noSize = await storeWithIndex((s) => [{ ...entry('a', s.a), size: '1' }]);
    assert.equal(noSize.list().find((x) => x.id === 'a')?.title, 'File a');
  });

  it('ignores an index of another version, or one that is not an index', async () => {
    const other = await storeWithIndex((s) => [entry('a', s.a), entry('b', s.b)], 2);
    assert.deepEqual(other.list().map((x) => x.title).sort(), ['File a', 'File b']);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    const notIndex = await storeWithIndex(() => 'entries');
    assert.deepEqual(notIndex.list().map((x) => x.title).sort(), ['File a', 'File b']);
  });
});

describe('settings: askCoze.bots (parseBots)', () => {
  it('takes name + id entries, tidying the spaces', () => {
    const problems: string[] = [];
    const bots = parseBots([{ name: '  Code\n  reviewer ', id: ' 1234567890123 ' }, { name: 'Default', id: '7445600453913968691', extra: true }], problems);
    assert.deepEqual(bots, [{ id: '1234567890123', name: 'Code reviewer' }, { id: '7445600453913968691', name: 'Default' }]);
    assert.deepEqual(problems, []);
  });

  it('skips and reports malformed entries, skips repeated ids silently', () => {
    const problems: string[] = [];
    const bots = parseBots(
      [null, 'bot', { name: 'No id' }, { id: '123' }, { name: '   ', id: '123' }, { name: 'Numeric', id: 7445600453913968691 }, { name: 'Slug', id: 'my-bot' }, { name: 'A', id: '1' }, { name: 'Again', id: '1' }],
      problems,
    );
    assert.deepEqual(bots, [{ id: '1', name: 'A' }]);
    assert.equal(problems.length, 7);
    assert.match(problems[0]!, /^askCoze\.bots: skipped null \(needs a "name" and a numeric "id" string\)$/);
    assert.match(problems[6]!, /skipped \{"name":"Slug","id":"my-bot"\}/);
  });

  it('cuts a long name, a long report, and the list at 50 bots', () => {
    assert.equal(parseBots([{ name: 'n'.repeat(100), id: '1' }])[0]!.name, 'n'.repeat(60));
    const problems: string[] = [];
    parseBots([{ name: 'x'.repeat(500), id: 'bad' }], problems);
    assert.equal(problems[0], `askCoze.bots: skipped ${JSON.stringify({ name: 'x'.repeat(500), id: 'bad' }).slice(0, 120)} (needs a "name" and a numeric "id" string)`);
    const many = Array.from({ length: 60 }, (_, i) => ({ name: `Bot ${i}`, id: String(1000 + i) }));
    assert.equal(parseBots(many).length, 50);
  });

  it('reports a setting that is not a list; no setting is no bots', () => {
    const problems: string[] = [];
    assert.deepEqual(parseBots(undefined, problems), []);
    assert.deepEqual(parseBots(null, problems), []);
    assert.deepEqual(problems, []);
    assert.deepEqual(parseBots({ name: 'x', id: '1' }, problems), []);
    assert.equal(problems.length, 1);
  });
});

describe('command arguments: askCoze.ask (parseAskArgs)', () => {
  it('takes a question and a mode', () => {
    assert.deepEqual(parseAskArgs({ question: 'Why?', mode: 'poll' }), { question: 'Why?', mode: 'poll' });
    assert.deepEqual(parseAskArgs({ question: 'Why?' }), { question: 'Why?' });
    assert.deepEqual(parseAskArgs({ mode: 'stream' }), { mode: 'stream' });
    assert.deepEqual(parseAskArgs({ question: '' }), { question: '' }, 'a question given is final, even empty');
    assert.deepEqual(parseAskArgs({ question: '  q  ' }), { question: '  q  ' }, 'not trimmed');
  });

  it('ignores what is not usable, field by field', () => {
    assert.deepEqual(parseAskArgs({ question: 42, mode: 'poll' }), { mode: 'poll' });
    assert.deepEqual(parseAskArgs({ question: 'q', mode: 'fast' }), { question: 'q' });
    assert.deepEqual(parseAskArgs({ question: 'q', conversationId: CONVERSATION_ID }), { question: 'q' });
  });

  it('treats anything else as no argument: none, a Uri from the editor menu, a string', () => {
    const uriLike = { scheme: 'file', authority: '', path: '/src/a.ts', query: '', fragment: '', fsPath: '/src/a.ts' };
    for (const arg of [undefined, null, 'Why?', 42, true, [], uriLike, () => 'q']) assert.deepEqual(parseAskArgs(arg), {}, String(arg));
  });
});
