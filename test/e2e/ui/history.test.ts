// The chat history that scales, used as a person would in code-server with the packaged extension: a history
// seeded on disk (as earlier sessions would have left it: a long conversation of 60 turns among others), searched
// from the history's search box, a hit opened at its turn with the words marked; the long conversation opening
// at its newest turn with only a page of turns rendered, older ones coming in on scrolling up and from the
// keyboard. Takes the `history-search` screenshot (light theme).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import { reportFailure, screenshot, waitFor } from '../codeServer';
import { chatFrame, chatScreenshot, clickViewAction, openChat, setTheme, widenSidebar } from './chatDriver';
import { type UiSession, sessionParts, setApiKeyFromPalette, startUiSession, stopUiSession } from './session';

const BOT_ID = '7445600453913968691';
const LONG_TURNS = 60;
const LONG_ID = 'seededlongconversation';
/** The turn of the long conversation whose answer holds the phrase searched for: far from the newest page. */
const HIT_TURN = 5;
const turnId = (i: number) => `seededturn${String(i).padStart(3, '0')}`;

function answer(i: number): string {
  const paragraphs = Array.from({ length: 6 }, (_, p) => `Step ${p + 1} of answer ${i + 1}: read the input in chunks, keep only what the next step needs, and let the caller stop early.`);
  const code = `\`\`\`ts\nexport function step${i}(input: string): number {\n  return input.split('\\n').length * ${i};\n}\n\`\`\``;
  const planted = i === HIT_TURN ? '\n\nThis is where the zebra pipeline drains its buffers.' : '';
  return `${paragraphs.join('\n\n')}\n\n${code}${planted}`;
}

function conversation(id: string, title: string, updatedAt: number, turns: Array<{ id: string; question: string; answer: string }>): unknown {
  return {
    version: 1,
    id,
    title,
    botId: BOT_ID,
    createdAt: updatedAt - 60_000,
    updatedAt,
    turns: turns.map((t, i) => ({ ...t, status: 'done', followUps: [], botId: BOT_ID, startedAt: updatedAt - 60_000 + i, elapsedMs: 1200 })),
    trimmedTurns: 0,
  };
}

/** What earlier sessions left in the history folder (globalStorage/<extension id>/chat). */
function seedHistory(session: UiSession): void {
  const dir = path.join(session.server.dirs.userData, 'User', 'globalStorage', 'ask-coze.ask-coze', 'chat', 'conversations');
  fs.mkdirSync(dir, { recursive: true });
  const now = Date.now();
  const files: Array<[string, unknown]> = [
    [
      LONG_ID,
      conversation(LONG_ID, 'Streaming large files', now - 3_600_000, Array.from({ length: LONG_TURNS }, (_, i) => ({ id: turnId(i), question: `Question ${i + 1}: how do I handle case ${i + 1}?`, answer: answer(i) }))),
    ],
    ['seededzebraquestion', conversation('seededzebraquestion', 'Naming a data pipeline', now - 7_200_000, [{ id: 'seededzq1', question: 'Is "Zebra Pipeline" a good name for a build step?', answer: 'It is memorable; say what it does in its description.' }])],
    ['seededchinese', conversation('seededchinese', '闭包是什么', now - 10_800_000, [{ id: 'seededzh1', question: '什么是闭包？', answer: '闭包是一个函数，以及它捕获的作用域。' }])],
  ];
  for (const [id, data] of files) fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(data));
}

interface TranscriptView {
  historyVisible: boolean;
  turnIds: string[];
  /** Ids of the turns at least partly inside the transcript's visible part. */
  visibleIds: string[];
  scrollTop: number;
  earlier: string | undefined;
  focusedTurn: string | undefined;
  revealed: string[];
  marked: boolean;
}

async function readTranscript(frame: Frame): Promise<TranscriptView> {
  return frame.evaluate(() => {
    const transcript = document.querySelector<HTMLElement>('.transcript')!;
    const box = transcript.getBoundingClientRect();
    const turns = [...document.querySelectorAll<HTMLElement>('.turn')];
    const earlier = document.querySelector<HTMLElement>('.earlier-turns');
    const registry = (CSS as unknown as { highlights?: Map<string, unknown> }).highlights;
    return {
      historyVisible: !(document.querySelector<HTMLElement>('.history')?.hidden ?? true),
      turnIds: turns.map((t) => t.dataset.turnId ?? ''),
      visibleIds: turns.filter((t) => {
        const r = t.getBoundingClientRect();
        return r.bottom > box.top + 1 && r.top < box.bottom - 1;
      }).map((t) => t.dataset.turnId ?? ''),
      scrollTop: transcript.scrollTop,
      earlier: earlier && !earlier.hidden ? (earlier.textContent ?? '') : undefined,
      focusedTurn: (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('.turn')?.dataset.turnId,
      revealed: turns.filter((t) => t.classList.contains('revealed')).map((t) => t.dataset.turnId ?? ''),
      marked: !!registry?.has('ask-coze-search'),
    };
  });
}

async function readHits(frame: Frame): Promise<{ titles: string[]; snippets: string[]; marks: string[]; status: string }> {
  return frame.evaluate(() => ({
    titles: [...document.querySelectorAll('.search-hit .search-title')].map((n) => n.textContent ?? ''),
    snippets: [...document.querySelectorAll('.search-hit .search-snippet')].map((n) => n.textContent ?? ''),
    marks: [...document.querySelectorAll('.search-hit mark')].map((n) => n.textContent ?? ''),
    status: document.querySelector('.history-search-status')?.textContent ?? '',
  }));
}

describe('The chat history in VS Code (code-server): search and long conversations', function () {
  let session: UiSession | undefined;
  const { page } = sessionParts(() => session);
  let failed = false;

  before(async function () {
    session = await startUiSession('ui-history');
    seedHistory(session);
    await setApiKeyFromPalette(page());
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      failed = true;
      const name = `failed-history-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
      console.log(`    screenshot: ${await screenshot(session.page, name).catch((e: Error) => e.message)}`);
    }
  });
  after(async function () {
    if (failed) reportFailure(session?.server);
    await stopUiSession(session);
  });

  it('searches every conversation from the history’s search box and opens a hit at its turn, the words marked', async function () {
    await setTheme(page(), 'Light Modern', 'vs');
    await widenSidebar(page(), 460);
    await openChat(page());
    await clickViewAction(page(), 'Chat History');
    let frame = await chatFrame(page());
    await waitFor('the seeded history', async () => ((await frame.locator('.history-title', { hasText: 'Streaming large files' }).count()) > 0 ? true : undefined), 30_000);
    const box = frame.locator('input.history-search-input');
    assert.equal(await box.getAttribute('aria-label'), 'Search questions and answers');
    assert.equal(await frame.evaluate(() => document.activeElement?.className), 'history-search-input', 'the history opens with the caret in its search box');
    await page().keyboard.type('zebra PIPELINE');
    const hits = await waitFor('the hits', async () => {
      const h = await readHits(frame);
      return h.status === '2 matches' ? h : undefined;
    }, 30_000);
    assert.deepEqual(hits.titles, ['Streaming large files', 'Naming a data pipeline'], 'most recent first');
    assert.deepEqual(hits.marks, ['zebra pipeline', 'Zebra Pipeline']);
    assert.match(hits.snippets[0]!, /This is where the zebra pipeline drains its buffers\./);
    await chatScreenshot(page(), 'history-search');

    // Chinese, and a query that matches nothing.
    await box.fill('作用域');
    const chinese = await waitFor('the Chinese hit', async () => {
      const h = await readHits(frame);
      return h.status === '1 match' ? h : undefined;
    }, 30_000);
    assert.deepEqual(chinese.titles, ['闭包是什么']);
    await box.fill('xylophone marmalade');
    await waitFor('no hits', async () => ((await readHits(frame)).status === 'No conversation mentions this.' ? true : undefined), 30_000);

    await box.fill('zebra pipeline');
    await waitFor('the hits again', async () => ((await readHits(frame)).status === '2 matches' ? true : undefined), 30_000);
    await frame.locator('.search-open', { hasText: 'drains its buffers' }).click();
    frame = await chatFrame(page());
    const opened = await waitFor('the turn of the hit, in view', async () => {
      const v = await readTranscript(frame);
      return !v.historyVisible && v.visibleIds.includes(turnId(HIT_TURN)) ? v : undefined;
    }, 30_000);
    assert.deepEqual(opened.revealed, [turnId(HIT_TURN)], 'the turn found is marked');
    assert.equal(opened.focusedTurn, turnId(HIT_TURN), 'and has the focus');
    assert.equal(opened.marked, true, 'the words found are highlighted');
    assert.ok(opened.turnIds.length < LONG_TURNS, `only a window of the turns is rendered (${opened.turnIds.length})`);
  });

  it('opens a long conversation at its newest turn; older turns come in on scrolling up, and from the keyboard', async function () {
    await clickViewAction(page(), 'New Chat');
    await clickViewAction(page(), 'Chat History');
    let frame = await chatFrame(page());
    await frame.locator('input.history-search-input').fill('');
    await frame.locator('.history-open', { hasText: 'Streaming large files' }).click();
    frame = await chatFrame(page());
    const newest = turnId(LONG_TURNS - 1);
    const start = await waitFor('the newest turn in view', async () => {
      const v = await readTranscript(frame);
      return !v.historyVisible && v.visibleIds.includes(newest) && v.turnIds.at(-1) === newest ? v : undefined;
    }, 30_000);
    assert.ok(start.turnIds.length < 20, `a page of turns is rendered, not ${start.turnIds.length}`);
    assert.match(start.earlier ?? '', /^Show \d+ earlier turns$/);

    // Scrolling up with the wheel, as a person does: older turns are prepended and what was on screen stays put.
    const transcript = frame.locator('.transcript');
    await transcript.hover();
    const firstShown = start.turnIds[0]!;
    const grown = await waitFor('older turns after scrolling up', async () => {
      await page().mouse.wheel(0, -2000);
      const v = await readTranscript(frame);
      return v.turnIds.length > start.turnIds.length ? v : undefined;
    }, 30_000, 300);
    assert.ok(grown.turnIds.indexOf(firstShown) > 0, 'the new turns are above the ones shown before');
    assert.ok(grown.scrollTop > 0, 'the scroll position was kept (not thrown to the new top)');

    // The keyboard: the "Show earlier turns" button brings a page in and puts the focus on the newest of it.
    for (let round = 0; round < LONG_TURNS; round++) {
      const before = await readTranscript(frame);
      if (before.earlier === undefined) break;
      await frame.locator('.earlier-turns').focus();
      await page().keyboard.press('Enter');
      const after = await waitFor('a page more', async () => {
        const v = await readTranscript(frame);
        return v.turnIds.length > before.turnIds.length ? v : undefined;
      }, 15_000);
      assert.ok(after.focusedTurn && after.turnIds.indexOf(after.focusedTurn) < after.turnIds.indexOf(before.turnIds[0]!), 'the focus is on a turn brought in');
    }
    const all = await readTranscript(frame);
    assert.equal(all.turnIds.length, LONG_TURNS, 'every turn is reachable');
    assert.equal(all.turnIds[0], turnId(0));
    assert.equal(all.earlier, undefined, 'nothing more to show');
  });
});
