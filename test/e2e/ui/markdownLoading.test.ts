// The webviews' Markdown engine (markdown-it + DOMPurify, src/webview/shared/markdownEngine.ts) is not part of a
// page's load: it is fetched when the page first has Markdown to show (src/webview/shared/markdownLoader.ts). What
// a user must never see meanwhile: a conversation drawn as raw Markdown and then reflowed, lost text, or untrusted
// HTML coming alive. These tests run the BUILT bundles (dist/webview) in a plain Chromium page
// (test/e2e/webviewPage.ts) and hold the engine's chunk back, or fail it, to see exactly what the page shows in
// between. No code-server: the chunk's timing cannot be controlled inside VS Code's webview, and the real
// webview's loading is tested in webviewLoading.test.ts.
import * as assert from 'assert';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../codeServer';
import { openWebviewPage } from '../webviewPage';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const ENGINE = /^chunks\/markdownEngine-[A-Z0-9]+\.js$/;

/** Holds the engine's chunk until release(); records every file the page asked for. */
function engineGate(mode: 'hold' | 'fail' = 'hold') {
  const served: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    served,
    release,
    requested: () => served.some((f) => ENGINE.test(f)),
    beforeServe: async (file: string): Promise<'fail' | void> => {
      served.push(file);
      if (!ENGINE.test(file)) return;
      if (mode === 'fail') return 'fail';
      await released;
    },
  };
}

/** A Markdown answer with what a renderer must get right, and HTML that must stay text. */
const ANSWER = [
  'Use **`wc -l`**, or read it in Node:',
  '',
  '```ts',
  "import fs from 'node:fs';",
  "const lines = fs.readFileSync(file, 'utf8').split('\\n').length;",
  '```',
  '',
  '- one',
  '- two <img src=x onerror="document.title=\'pwned\'">',
  '',
  '| a | b |',
  '|---|---|',
  '| 1 | 2 |',
].join('\n');

const send = (page: Page, data: unknown) => page.evaluate((d) => window.dispatchEvent(new MessageEvent('message', { data: d })), data);

function chatState(turns: unknown[], busy = false) {
  return { type: 'state', state: { conversationId: 'c0000000000000000001', title: 'T', botId: '1', turns, busy, bots: [], history: [], trimmedTurns: 0, attachments: [] } };
}

function turn(id: string, answer: string, status = 'done') {
  return { id, question: `Question ${id}`, answer, status, followUps: [], botId: '1' };
}

/** Starts recording every .md-pending element the page inserts (window.__pending). */
async function recordPending(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __pending: number };
    w.__pending = 0;
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n instanceof HTMLElement && (n.matches('.md-pending') || n.querySelector('.md-pending'))) w.__pending++;
    }).observe(document.body, { childList: true, subtree: true });
  });
}

/** A rendered body as the one-shot renderer would give it: without the toolbars and chunks the views add. */
async function matchesOneShot(page: Page, selector: string, markdown: string): Promise<{ same: boolean; shown: string; expected: string }> {
  return page.evaluate(
    ({ selector, markdown }) => {
      const shown = document.querySelector(selector)!.cloneNode(true) as HTMLElement;
      shown.querySelectorAll('.code-toolbar').forEach((n) => n.remove());
      shown.querySelectorAll('[data-decorated]').forEach((n) => n.removeAttribute('data-decorated'));
      shown.querySelectorAll('.md-chunk').forEach((n) => n.replaceWith(...n.childNodes));
      // Colours arrive with the grammar (fetched on demand, here possibly later than the one-shot's): compare the text.
      shown.querySelectorAll('code').forEach((n) => {
        n.textContent = n.textContent;
        n.classList.remove('highlight-pending');
      });
      const expected = document.createElement('div');
      expected.innerHTML = (window as unknown as { __renderMarkdown: (s: string) => string }).__renderMarkdown(markdown);
      expected.querySelectorAll('code').forEach((n) => {
        n.textContent = n.textContent;
        n.classList.remove('highlight-pending');
      });
      return { same: shown.innerHTML === expected.innerHTML, shown: shown.innerHTML.slice(0, 600), expected: expected.innerHTML.slice(0, 600) };
    },
    { selector, markdown },
  );
}

describe('The Markdown engine loads when there is Markdown to show (Chromium, built bundles)', function () {
  let browser: Browser | undefined;

  before(async function () {
    // No VS Code in these pages: once per run is enough (the UI suite runs once per VS Code version).
    if ((process.env.ASK_COZE_VSCODE ?? 'oldest') !== 'oldest') this.skip();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  });

  after(async function () {
    await browser?.close();
  });

  it('starts the chat without it, and draws a conversation once, as Markdown, when it arrives', async function () {
    const gate = engineGate();
    const page = await openWebviewPage(browser!, ROOT, { entry: 'chat', beforeServe: gate.beforeServe });
    try {
      assert.ok(!gate.requested(), `not fetched at load: ${gate.served.join(', ')}`);
      await recordPending(page);
      // A conversation opened from the history, its last answer still streaming, and more text for it right after.
      const streaming = 'The second answer, **so far**';
      await send(page, chatState([turn('t1', ANSWER), turn('t2', streaming, 'streaming')], true));
      await send(page, { type: 'progress', turnId: 't2', offset: streaming.length, append: ' and the rest.', status: 'streaming' });
      await page.waitForFunction(() => document.querySelector('textarea') !== null);
      assert.ok(gate.requested(), 'the conversation asked for the engine');
      assert.equal(await page.locator('.turn').count(), 0, 'nothing drawn as plain text while the engine loads');

      gate.release();
      await page.waitForFunction(() => document.querySelectorAll('.turn').length === 2);
      const first = await matchesOneShot(page, '.turn:nth-of-type(1) .answer-body', ANSWER);
      assert.ok(first.same, `the first answer as the renderer draws it:\n${first.shown}\n---\n${first.expected}`);
      assert.equal(await page.locator('.turn:nth-of-type(2) .answer-body').innerText(), 'The second answer, so far and the rest.');
      assert.equal(await page.locator('.turn:nth-of-type(2) .answer-body strong').innerText(), 'so far');
      assert.equal(await page.evaluate(() => (window as unknown as { __pending: number }).__pending), 0, 'no plain-text stand-in was ever shown');
      assert.equal(await page.locator('img').count(), 0, 'untrusted HTML stays text');
      const resyncs = await page.evaluate(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.filter((m) => m.type === 'ready').length);
      assert.equal(resyncs, 1, 'the held progress message applied in order (no resync)');
    } finally {
      await page.close();
    }
  });

  it('shows an answer that streams in before it as plain text, then as the same Markdown', async function () {
    const gate = engineGate();
    const initial = { state: { question: 'How do I count lines?', text: '', phase: 'waiting', followUps: [], botId: '1' } };
    const page = await openWebviewPage(browser!, ROOT, { entry: 'answer', initial, beforeServe: gate.beforeServe });
    try {
      // The panel asks for the engine as soon as it has drawn (its answer is coming).
      await page.waitForFunction(() => document.querySelector('main.answer') !== null);
      assert.ok(gate.requested(), 'the panel prefetches the engine');
      const state = (text: string, phase: string) => ({ type: 'state', state: { ...initial.state, text, phase } });
      const half = ANSWER.slice(0, 120);
      await send(page, state(half, 'streaming'));
      assert.equal(await page.locator('main.answer .md-pending').textContent(), half, 'the text is on screen at once, as it came');
      await send(page, state(ANSWER, 'streaming'));
      assert.equal(await page.locator('main.answer .md-pending').textContent(), ANSWER);
      assert.equal(await page.locator('main.answer li, main.answer img').count(), 0, 'plain text: no element from the Markdown or its HTML');

      gate.release();
      await page.waitForFunction(() => document.querySelector('main.answer li') !== null);
      assert.equal(await page.locator('.md-pending').count(), 0);
      await send(page, state(ANSWER, 'done'));
      const shown = await matchesOneShot(page, 'main.answer', ANSWER);
      assert.ok(shown.same, `rendered as the renderer draws it:\n${shown.shown}\n---\n${shown.expected}`);
      assert.equal(await page.locator('img').count(), 0, 'untrusted HTML stays text');
    } finally {
      await page.close();
    }
  });

  it('waits for it before drawing a restored answer panel, so the answer is drawn once', async function () {
    const gate = engineGate();
    const initial = { state: { question: 'How do I count lines?', text: ANSWER, phase: 'done', followUps: [], botId: '1' } };
    const page = await openWebviewPage(browser!, ROOT, { entry: 'answer', initial, beforeServe: gate.beforeServe, waitForReady: false });
    try {
      await page.waitForFunction(() => document.querySelector('main.answer') !== null);
      await recordPending(page);
      assert.ok(gate.requested(), 'the restored answer asked for the engine');
      assert.equal(await page.locator('main.answer').innerText(), '', 'nothing drawn before the engine');
      gate.release();
      await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
      const shown = await matchesOneShot(page, 'main.answer', ANSWER);
      assert.ok(shown.same, `rendered as the renderer draws it:\n${shown.shown}\n---\n${shown.expected}`);
      assert.equal(await page.evaluate(() => (window as unknown as { __pending: number }).__pending), 0, 'no plain-text stand-in was ever shown');
    } finally {
      await page.close();
    }
  });

  it('leaves every answer readable, as plain text, when it cannot load', async function () {
    const gate = engineGate('fail');
    const page = await openWebviewPage(browser!, ROOT, { entry: 'chat', beforeServe: gate.beforeServe });
    try {
      await send(page, chatState([turn('t1', ANSWER)]));
      await page.waitForFunction(() => document.querySelectorAll('.turn').length === 1);
      assert.ok(gate.requested());
      assert.equal(await page.locator('.turn .answer-body .md-pending').textContent(), ANSWER, 'the answer whole, as it came');
      assert.equal(await page.locator('.turn .user .md-pending').textContent(), 'Question t1', 'the question too');
      assert.equal(await page.locator('img, li').count(), 0, 'untrusted HTML stays text');
      // Later answers are shown the same way: nothing waits for an engine that will not come.
      await send(page, chatState([turn('t1', ANSWER), turn('t2', 'Second **answer**')]));
      await page.waitForFunction(() => document.querySelectorAll('.turn').length === 2);
      assert.equal(await page.locator('.turn:nth-of-type(2) .answer-body').innerText(), 'Second **answer**');
    } finally {
      await page.close();
    }
  });
});
