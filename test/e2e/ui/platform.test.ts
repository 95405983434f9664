// The Coze platform beyond one pasted bot id, used as a person would in a real VS Code (code-server) with the
// packaged extension: picking a bot from the workspaces the key can see, pasting an image into the chat and
// sending it, and a reasoning model's "Thinking" block that is open while it thinks and folds away once the answer
// starts, and says "Thinking" once (its summary carries the time; the status line under it is hidden). Takes their screenshots in a light and a dark theme (test-results/screenshots/<version>/).
import * as assert from 'assert';
import { createHash } from 'crypto';
import type { Frame, Page } from 'playwright-core';
import { acceptQuickInputRow, readNotifications, reportFailure, runPaletteCommand, screenshot, waitFor } from '../codeServer';
import { chatFrame, chatScreenshot, openChat, readChat, send, setTheme, waitForAnswer, widenSidebar } from './chatDriver';
import { CHAT, PANEL, REASONING, askInPanel, assertSaidOnce, look, sampleUntilAnswered } from './thinkingDriver';
import { type UiSession, resetFake, setApiKeyFromPalette, setFakeBehavior, startUiSession, stopUiSession, sessionParts } from './session';

interface ThinkingView {
  shown: boolean;
  open: boolean;
  phase: string;
  summary: string;
  body: string;
  answer: string;
}

/** Coze: New Chat, and the empty chat it opens. */
async function newChat(page: Page): Promise<Frame> {
  await runPaletteCommand(page, 'Coze: New Chat');
  return waitFor('a new, empty chat', async () => {
    const frame = await chatFrame(page);
    return (await readChat(frame)).empty ? frame : undefined;
  }, 30_000);
}

/** The labels of the quick input's rows now shown. */
async function quickInputLabels(page: Page): Promise<string[]> {
  return page.locator('.quick-input-widget .monaco-list-row .label-name').evaluateAll((nodes) => nodes.map((n) => (n.textContent ?? '').trim()));
}

/** The Thinking block and the answer of the chat's last turn. */
async function readThinking(frame: Frame): Promise<ThinkingView | undefined> {
  return frame.evaluate(() => {
    const turns = document.querySelectorAll<HTMLElement>('.turn');
    const turn = turns[turns.length - 1];
    const block = turn?.querySelector<HTMLDetailsElement>('details.thinking');
    if (!turn || !block) return undefined;
    return {
      shown: !block.hidden,
      open: block.open,
      phase: block.dataset.phase ?? '',
      summary: block.querySelector('summary.thinking-summary')?.textContent ?? '',
      body: block.querySelector('.thinking-body')?.textContent ?? '',
      answer: turn.querySelector('.answer-body')?.textContent ?? '',
    };
  });
}

describe('The Coze platform in the chat (browser)', function () {
  let session: UiSession | undefined;
  let failed = false;
  const { page, fake } = sessionParts(() => session);

  before(async function () {
    session = await startUiSession('ui-platform');
    await setApiKeyFromPalette(page());
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      failed = true;
      const name = `failed-platform-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
      console.log(`    screenshot: ${await screenshot(session.page, name).catch((e: Error) => e.message)}`);
    }
  });
  after(async function () {
    if (failed) reportFailure(session?.server);
    await stopUiSession(session);
  });

  it('picks a bot from the workspaces the key can see, and every view names it (dark, then light theme)', async function () {
    await resetFake(fake());
    await setTheme(page(), 'Dark Modern', 'vs-dark');
    await openChat(page());
    await runPaletteCommand(page(), 'Coze: Select Bot');
    // Two workspaces: the first step asks which one.
    await waitFor('the workspaces', async () => ((await quickInputLabels(page())).some((l) => l.includes('研发团队')) ? true : undefined), 30_000);
    assert.ok((await quickInputLabels(page())).some((l) => l.includes('Personal')));
    await acceptQuickInputRow(page(), /Personal$/);
    // Its bots, every page (23 over two pages of 20), the current one marked.
    const labels = await waitFor('the bots of Personal', async () => {
      const rows = await quickInputLabels(page());
      return rows.some((l) => l.includes('Code Helper')) ? rows : undefined;
    }, 30_000);
    assert.ok(labels.some((l) => l.includes('Code Helper')), labels.join(' | '));
    await screenshot(page(), 'select-bot-dark');
    // The filter finds a bot of the second page.
    await page().locator('.quick-input-widget .quick-input-box input').fill('Helper 22');
    await waitFor('the filtered bot', async () => ((await quickInputLabels(page())).some((l) => l.includes('Helper 22')) ? true : undefined), 15_000);
    assert.ok(await acceptQuickInputRow(page(), /Helper 22$/), 'the bot row is offered');

    const statusBar = page().locator('.part.statusbar [aria-label^="Coze bot: Helper 22"]');
    await statusBar.first().waitFor({ timeout: 30_000 });
    const chat = await waitFor('the chat header to name the picked bot', async () => {
      const frame = await chatFrame(page());
      const header = await frame.evaluate(() => {
        const select = document.querySelector<HTMLSelectElement>('.chat-header .bot-select');
        const name = document.querySelector<HTMLElement>('.chat-header .bot-name');
        return select && !select.hidden ? (select.selectedOptions[0]?.textContent ?? '') : (name?.textContent ?? '');
      });
      return header.includes('Helper 22') ? frame : undefined;
    }, 30_000);
    await send(page(), 'Which bot are you?');
    await waitForAnswer(page(), 1);
    const asked = fake().chats.at(-1)!;
    assert.equal(asked.botId, '7445600453913970022', 'the question went to the picked bot');
    assert.ok(!(await chat.evaluate(() => document.body.textContent ?? '')).includes('Default bot'), 'no "Default bot" anywhere');

    // The status bar item opens the picker again; in the light theme for the README.
    await setTheme(page(), 'Light Modern', 'vs');
    await statusBar.first().click();
    await waitFor('the picker from the status bar', async () => ((await quickInputLabels(page())).some((l) => l.includes('Personal')) ? true : undefined), 30_000);
    await acceptQuickInputRow(page(), /Personal$/);
    await waitFor('the bots again', async () => ((await quickInputLabels(page())).some((l) => l.includes('Helper 22')) ? true : undefined), 30_000);
    await screenshot(page(), 'select-bot-light');
    await page().keyboard.press('Escape');
  });

  it('shows a reasoning model thinking, then folds the thinking away when the answer starts (dark theme)', async function () {
    await resetFake(fake());
    await setTheme(page(), 'Dark Modern', 'vs-dark');
    const reasoning =
      'The user wants the lines of a file counted. Reading the whole file with fs.readFile and splitting on newlines is simplest; ' +
      'for a large file a stream with readline avoids holding it in memory. I will show the simple way first.';
    // Slow enough that the thinking is on screen for several seconds before the answer's first word.
    await setFakeBehavior(fake(), { reasoning, deltaSize: 4, deltaIntervalMs: 60 });
    await openChat(page());
    await widenSidebar(page(), 520);
    // The reset made the fake forget the last test's conversation: a new chat, as after Coze's 4002.
    await newChat(page());
    await send(page(), 'How many lines does this file have?');

    const thinking = await waitFor(
      'the open Thinking block while the model reasons',
      async () => {
        const view = await readThinking(await chatFrame(page()));
        return view && view.shown && view.open && view.phase === 'thinking' && view.body.length > 120 && view.answer === '' ? view : undefined;
      },
      30_000,
      100,
    );
    assert.ok(reasoning.startsWith(thinking.body.trim().slice(0, 20)), `the block streams the reasoning: ${thinking.body.slice(0, 60)}`);
    await chatScreenshot(page(), 'chat-thinking-dark');

    const answered = await waitFor(
      'the Thinking block to fold once the answer starts',
      async () => {
        const view = await readThinking(await chatFrame(page()));
        return view && view.answer.length > 0 && !view.open ? view : undefined;
      },
      30_000,
      100,
    );
    assert.equal(answered.shown, true, 'the block stays, folded, above the answer');
    assert.ok(!answered.answer.includes('readline avoids'), 'the reasoning is not part of the answer');
    const done = await waitForAnswer(page(), 1);
    assert.equal(done.turns[0]!.status, 'done');
    const finished = await readThinking(await chatFrame(page()));
    assert.equal(finished?.phase, 'thought');
    assert.match(finished?.summary ?? '', /^Thought for \d+ s$/);

    // The user opens it again to read it: it stays open.
    await (await chatFrame(page())).locator('.turn summary.thinking-summary').last().click();
    const reopened = await waitFor('the block opened by the user', async () => {
      const view = await readThinking(await chatFrame(page()));
      return view?.open ? view : undefined;
    }, 15_000);
    assert.ok(reopened.body.includes('readline avoids'), 'the whole reasoning is kept');
    await setTheme(page(), 'Light Modern', 'vs');
    await chatScreenshot(page(), 'chat-thinking-light');
    assert.deepEqual(await readNotifications(page()).then((all) => all.filter((n) => /fail|error/i.test(n))), []);
  });

  it('pastes an image into the chat, shows it as a chip and sends it with the question (light theme)', async function () {
    await resetFake(fake());
    await setTheme(page(), 'Light Modern', 'vs');
    const frame = await newChat(page());
    // A real PNG, drawn in the page, pasted the way the browser delivers a pasted screenshot: a paste event whose
    // clipboardData holds the image file and no text.
    const pastedBase64 = await frame.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 40;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#3b82f6';
      g.fillRect(0, 0, 64, 40);
      g.fillStyle = '#ffffff';
      g.fillRect(8, 8, 20, 24);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      const file = new File([blob], 'screenshot.png', { type: 'image/png' });
      const input = document.querySelector<HTMLTextAreaElement>('.composer-input')!;
      input.focus();
      const data = new DataTransfer();
      data.items.add(file);
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      return btoa(binary);
    });
    const pasted = Buffer.from(pastedBase64, 'base64');
    const chip = frame.locator('[data-testid="chat-attachments"] [data-testid="attachment-chip"][data-kind="image"]');
    await chip.waitFor({ timeout: 15_000 });
    assert.match((await chip.textContent()) ?? '', /screenshot\.png/);
    await frame.locator('[data-testid="attachment-thumb"]').first().waitFor({ timeout: 15_000 });
    await chatScreenshot(page(), 'chat-attachment-light');

    await send(page(), 'What is in this picture?');
    const view = await waitForAnswer(page(), 1);
    assert.equal(view.turns[0]!.status, 'done');
    const sent = await chatFrame(page());
    assert.equal(await sent.locator('.turn [data-testid="turn-attachments"] [data-testid="attachment-chip"]').count(), 1, 'the sent turn shows its image');
    assert.equal(await sent.locator('[data-testid="chat-attachments"] [data-testid="attachment-chip"]').count(), 0, 'the composer is empty again');

    const files = fake().files;
    assert.equal(files.length, 1, 'one upload');
    assert.equal(files[0]!.sha256, createHash('sha256').update(pasted).digest('hex'), 'Coze received the pasted bytes');
    const chat = fake().chats.at(-1)!;
    assert.deepEqual(chat.contentItems, [
      { type: 'text', text: 'What is in this picture?' },
      { type: 'image', file_id: files[0]!.id },
    ]);
  });

  it('says Thinking once in the chat: the Thinking block says "Thinking · N s" and the status line is hidden; without reasoning it stays', async function () {
    await resetFake(fake());
    await setFakeBehavior(fake(), { reasoning: REASONING, deltaSize: 4, deltaIntervalMs: 60 });
    await openChat(page());
    await runPaletteCommand(page(), 'Coze: New Chat');
    await waitFor('a new, empty chat', async () => ((await readChat(await chatFrame(page()))).empty ? true : undefined), 30_000);
    await send(page(), 'How many lines does this file have?');
    assertSaidOnce(await sampleUntilAnswered(() => chatFrame(page()), CHAT), 'chat');
    await waitForAnswer(page(), 1);
    const after = await look(await chatFrame(page()), CHAT);
    assert.match(after?.summary ?? '', /^Thought for \d+ s$/, 'once answered, the summary says how long it thought');

    // No reasoning: the status line beside the spinner, as before, until the answer's first text. (The reset
    // makes the fake forget the conversation: a new chat.)
    await resetFake(fake());
    await setFakeBehavior(fake(), { latencyMs: 2_500 });
    await runPaletteCommand(page(), 'Coze: New Chat');
    await waitFor('a new, empty chat', async () => ((await readChat(await chatFrame(page()))).empty ? true : undefined), 30_000);
    await send(page(), 'And without thinking?');
    const plain = (await sampleUntilAnswered(() => chatFrame(page()), CHAT)).filter((s) => !s.answered);
    assert.ok(plain.length > 0, 'the turn was seen waiting');
    for (const s of plain) {
      assert.equal(s.phase, 'none', 'no Thinking block without reasoning');
      assert.ok(s.statusShown && /Waiting for Coze…|Thinking · \d+ s/.test(s.statusText), `the status line is shown: ${JSON.stringify(s)}`);
    }
    await waitForAnswer(page(), 1);
  });

  it('says Thinking once in the answer panel too, and the status line is back beside the spinner once the answer streams', async function () {
    await resetFake(fake());
    await setFakeBehavior(fake(), { reasoning: REASONING, deltaSize: 4, deltaIntervalMs: 60, answers: ['Use `wc -l`. '.repeat(40)] });
    const frame = await askInPanel(page(), 'How many lines, in the panel?');
    assertSaidOnce(await sampleUntilAnswered(async () => frame, PANEL), 'panel');
    const streaming = await look(frame, PANEL);
    assert.ok(streaming?.statusShown && /Thinking · \d+ s/.test(streaming.statusText), `the panel's status line while streaming: ${JSON.stringify(streaming)}`);
    await waitFor('the answer to end', () => frame.evaluate(() => (document.body.dataset.phase === 'done' ? true : undefined)), 60_000);

    await resetFake(fake());
    await setFakeBehavior(fake(), { deltaSize: 4, deltaIntervalMs: 60, answers: ['Count them with a loop. '.repeat(30)] });
    const plainFrame = await askInPanel(page(), 'And in the panel without thinking?');
    const seen = await waitFor(
      'the status line beside the streaming answer',
      async () => {
        const s = await look(plainFrame, PANEL);
        return s?.answered && s.statusShown && /Thinking · \d+ s/.test(s.statusText) ? s : undefined;
      },
      60_000,
      100,
    );
    assert.equal(seen.phase, 'none');
  });
});
