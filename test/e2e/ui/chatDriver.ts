// Driving the sidebar chat in the browser, shared by the UI test files: finding its frame, reading what it
// shows, sending a question as a person types it, waiting for the answer, themes and screenshots.
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { SCREENSHOT_DIR, acceptQuickInputRow, exactly, runPaletteCommand, settled, sleep, waitFor } from '../codeServer';

export interface ChatView {
  turns: Array<{ status: string; question: string; answer: string; chips: string[]; codeBlocks: number; highlighted: number }>;
  input: string;
  empty: boolean;
  busy: boolean;
  lang: string;
  placeholder: string;
  historyVisible: boolean;
  history: string[];
}

/** The chat view's frame (webviews are nested iframes; the view may be re-created, so look it up each time). */
export async function chatFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  return waitFor(
    'the chat view',
    async () => {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame()) continue;
        const found = await frame.evaluate(() => !!document.querySelector('textarea.composer-input')).catch(() => false);
        if (found) return frame;
      }
      return undefined;
    },
    timeoutMs,
  );
}

export async function readChat(frame: Frame): Promise<ChatView> {
  return frame.evaluate(() => ({
    turns: [...document.querySelectorAll<HTMLElement>('.turn')].map((t) => ({
      status: t.dataset.status ?? '',
      question: t.querySelector('.question-body')?.textContent ?? '',
      answer: t.querySelector('.answer-body')?.textContent ?? '',
      chips: [...t.querySelectorAll('.chip')].map((c) => c.textContent ?? ''),
      codeBlocks: t.querySelectorAll('.answer-body .code-block').length,
      highlighted: t.querySelectorAll('.answer-body .code-block [class^="hljs-"]').length,
    })),
    input: document.querySelector<HTMLTextAreaElement>('textarea.composer-input')?.value ?? '',
    empty: !(document.querySelector<HTMLElement>('.empty-state')?.hidden ?? true),
    busy: document.body.classList.contains('busy'),
    lang: document.documentElement.lang,
    placeholder: document.querySelector<HTMLTextAreaElement>('textarea.composer-input')?.placeholder ?? '',
    historyVisible: !(document.querySelector<HTMLElement>('.history')?.hidden ?? true),
    history: [...document.querySelectorAll('.history-title')].map((n) => n.textContent ?? ''),
  }));
}

export async function openChat(page: Page, title = 'Coze: Open Chat'): Promise<Frame> {
  await runPaletteCommand(page, title);
  return chatFrame(page);
}

/**
 * Types the question and presses Enter, then waits for its turn to appear. Right after "New Chat" or a reload
 * the view can be re-created under our feet (the old frame takes the keys and goes away): then the question
 * shows up nowhere and the input is empty again, so it is typed once more. Never sent twice: a retry happens
 * only when no turn with the question exists.
 */
export async function send(page: Page, text: string): Promise<void> {
  const asked = (view: ChatView) => view.turns.some((t) => t.question.includes(text));
  for (let attempt = 1; ; attempt++) {
    const frame = await chatFrame(page);
    const input = frame.locator('textarea.composer-input');
    await input.fill(text);
    await input.press('Enter');
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const view = await readChat(await chatFrame(page)).catch(() => undefined);
      if (view && asked(view)) return;
      await sleep(200);
    }
    if (attempt === 3) throw new Error(`the chat did not take the question "${text}" after ${attempt} tries`);
  }
}

/** Waits until the last turn has ended (done, stopped, failed) and returns the view. */
export async function waitForAnswer(page: Page, turns: number, timeoutMs = 60_000): Promise<ChatView> {
  return waitFor(
    `answer ${turns} to finish`,
    async () => {
      const view = await readChat(await chatFrame(page));
      const last = view.turns[turns - 1];
      return view.turns.length === turns && last && ['done', 'stopped', 'failed'].includes(last.status) && !view.busy ? view : undefined;
    },
    timeoutMs,
    200,
  );
}

/** A view-title action of the chat (New Chat, Chat History), by its label. */
export async function clickViewAction(page: Page, label: string): Promise<void> {
  await page.keyboard.press('Escape'); // a menu left open would take the click
  const action = page.locator(`.part.sidebar .title-actions .action-label[aria-label^="${label}"], .part.sidebar .actions-container .action-label[aria-label^="${label}"]`).first();
  await action.waitFor({ timeout: 15_000 });
  await action.click();
}

/**
 * The sidebar (with the activity bar), saved to test-results/screenshots/<version>/. The README's copies in
 * docs/screenshots are refreshed only on purpose, by `npm run screenshots`.
 */
export async function chatScreenshot(page: Page, name: string): Promise<void> {
  await page.mouse.move(1, 1);
  await settled(page);
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: file, clip: sidebar ? { x: 0, y: 0, width: sidebar.x + sidebar.width, height: sidebar.y + sidebar.height } : undefined });
}

/**
 * Makes the sidebar wider, for screenshots that show an answer comfortably, by dragging its sash. The sash is
 * found by where it is (the vertical one at the sidebar's right edge): VS Code 1.139 draws it just outside
 * the sidebar, 1.100 just inside.
 */
export async function widenSidebar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const edge = box.x + box.width;
  const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((nodes) =>
    nodes.map((n) => n.getBoundingClientRect()).map((r) => ({ x: r.x + r.width / 2, top: r.y, bottom: r.y + r.height })),
  );
  const sash = sashes
    .filter((s) => s.top <= box.y + box.height / 2 && s.bottom >= box.y + box.height / 2)
    .sort((a, b) => Math.abs(a.x - edge) - Math.abs(b.x - edge))[0];
  if (!sash || Math.abs(sash.x - edge) > 8) throw new Error(`No sash at the sidebar's edge (x=${edge}): ${JSON.stringify(sashes)}`);
  const y = box.y + box.height / 2;
  await page.mouse.move(sash.x, y);
  await page.mouse.down();
  await page.mouse.move(sash.x + (width - box.width), y, { steps: 8 });
  await page.mouse.up();
  await waitFor('the wider sidebar', async () => (((await page.locator('.part.sidebar').boundingBox())?.width ?? 0) >= width - 2 ? true : undefined), 5_000);
}

/** Preferences: Color Theme, as a user picks one ("Dark Modern", "Light Modern"). */
export async function setTheme(page: Page, theme: string, kind: 'vs' | 'vs-dark'): Promise<void> {
  await runPaletteCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(theme);
  await page.locator('.quick-input-widget .monaco-list-row .label-name', { hasText: exactly(theme) }).first().waitFor({ timeout: 15_000 });
  if (!(await acceptQuickInputRow(page, exactly(theme)))) throw new Error(`The theme picker does not offer ${theme}`);
  await waitFor(`the ${kind} theme`, async () => ((await page.locator('.monaco-workbench').getAttribute('class'))?.split(' ').includes(kind) ? true : undefined), 15_000);
}

