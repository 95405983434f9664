// Asking Coze through the UI, as a person would: the palette, the input boxes, the editor's context menu, the
// progress notification and the answer panel, in a real VS Code (code-server) with the packaged extension.
import * as assert from 'assert';
import type { Frame, Page } from 'playwright-core';
import {
  answerInputBox,
  exactly,
  findWebviewFrame,
  openEditorSubmenu,
  quickOpen,
  reportFailure,
  runPaletteCommand,
  screenshot,
  waitFor,
  waitForNotification,
} from '../codeServer';
import {
  type UiSession,
  resetFake,
  setApiKeyFromPalette,
  setFakeBehavior,
  startUiSession,
  stopUiSession,
  sessionParts,
} from './session';

interface AnswerView {
  text: string;
  /** Elements that only rendered Markdown produces. */
  rendered: { headings: number; codeBlocks: number; quotes: number };
}

async function readAnswer(frame: Frame): Promise<AnswerView> {
  return frame.evaluate(() => ({
    text: document.body.innerText,
    rendered: {
      headings: document.querySelectorAll('h1, h2, h3, h4, h5, h6').length,
      codeBlocks: document.querySelectorAll('pre').length,
      quotes: document.querySelectorAll('blockquote').length,
    },
  }));
}

/** The answer must be rendered Markdown, not the Markdown source shown as text. */
function assertRendered(answer: AnswerView, quoted: string): void {
  assert.ok(answer.text.includes(quoted), `the answer does not quote "${quoted}":\n${answer.text}`);
  const { headings, codeBlocks, quotes } = answer.rendered;
  assert.ok(headings + codeBlocks + quotes > 0, `no rendered Markdown element in the answer:\n${answer.text}`);
  assert.ok(!answer.text.includes('```'), `raw code fences are visible in the answer:\n${answer.text}`);
  assert.ok(!answer.text.includes(`> ${quoted}`), `a raw "> " quote marker is visible in the answer`);
}

/**
 * Waits for the answer to finish streaming: its text has not changed for a while (a streaming answer, and the
 * panel's elapsed-time counter, change several times a second) and it has its code block.
 */
async function waitForFinishedAnswer(frame: Frame, quietMs = 1_500): Promise<AnswerView> {
  let last = '';
  let since = Date.now();
  return waitFor(
    'the answer to finish streaming',
    async () => {
      const view = await readAnswer(frame);
      if (view.text !== last) [last, since] = [view.text, Date.now()];
      return view.rendered.codeBlocks > 0 && Date.now() - since >= quietMs ? view : undefined;
    },
    90_000,
    250,
  );
}

async function waitForAnswerTab(page: Page): Promise<string> {
  const tab = page.locator('.tabs-container .tab .label-name').filter({ hasText: /^Coze:/ });
  await tab.first().waitFor({ timeout: 60_000 });
  return tab.first().innerText();
}

async function openSampleFile(page: Page): Promise<void> {
  await quickOpen(page, 'sample.ts');
  await page.locator('.monaco-editor .view-lines', { hasText: 'greetCozeUser' }).waitFor({ timeout: 30_000 });
}

describe('Ask Coze in VS Code (code-server)', function () {
  let session: UiSession | undefined;
  let failed = false;
  const { page } = sessionParts(() => session);

  before(async function () {
    session = await startUiSession('ui');
    try {
      await setApiKeyFromPalette(page());
    } catch (error) {
      failed = true;
      console.log(`    screenshot: ${await screenshot(page(), 'failed-set-api-key').catch((e: Error) => e.message)}`);
      throw error;
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      failed = true;
      const name = `failed-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
      console.log(`    screenshot: ${await screenshot(session.page, name).catch((e: Error) => e.message)}`);
    }
    if (session) await resetFake(session.fake);
  });

  after(async function () {
    if (failed) reportFailure(session?.server);
    await stopUiSession(session);
  });

  it('asks a typed question from the palette, shows progress, then the rendered answer', async function () {
    const fake = session?.fake;
    assert.ok(fake);
    // Slow enough that the progress notification stays on screen for us to see it.
    await setFakeBehavior(fake, { completeAfterMs: 3000, deltaIntervalMs: 100 });
    const question = 'How do I count the lines of a file in Python?';

    await runPaletteCommand(page(), 'Coze: Ask Coze');
    await answerInputBox(page(), question, { prompt: 'Ask Coze a question' });
    await waitForNotification(page(), 'Asking Coze');
    await screenshot(page(), 'progress-notification');

    const title = await waitForAnswerTab(page());
    const frame = await findWebviewFrame(page(), question, 90_000);
    const answer = await waitForFinishedAnswer(frame);
    await screenshot(page(), 'answer-panel');
    assert.match(title, /^Coze:/);
    assertRendered(answer, question);
  });

  it('asks about the selection from the editor context menu', async function () {
    await openSampleFile(page());
    const word = page().locator('.monaco-editor .view-line span', { hasText: /^greetCozeUser$/ }).first();
    await word.dblclick();
    // VS Code draws its own context menu (in a shadow root, which Playwright's locators pierce); ours are in its
    // "Coze" submenu.
    const choose = await openEditorSubmenu(page(), exactly('Coze'), exactly('Ask Coze'));
    await screenshot(page(), 'editor-context-menu');
    await choose();

    const frame = await findWebviewFrame(page(), 'greetCozeUser', 90_000);
    const answer = await waitForFinishedAnswer(frame);
    await screenshot(page(), 'answer-panel-selection');
    assertRendered(answer, 'greetCozeUser');
  });

  it('Cancel in the progress notification stops the answer, cancels it on Coze and keeps what arrived', async function () {
    const fake = session?.fake;
    assert.ok(fake);
    await setFakeBehavior(fake, { completeAfterMs: 30_000, deltaIntervalMs: 150, deltaSize: 6 });
    const question = 'Tell me a very long story about streams';
    await runPaletteCommand(page(), 'Coze: Ask Coze');
    await answerInputBox(page(), question, { prompt: 'Ask Coze a question' });
    const frame = await findWebviewFrame(page(), question, 60_000);
    // Wait until some of the answer has arrived, then press the notification's Cancel button.
    await waitFor('the first streamed text', async () => ((await frame.locator('main.answer').innerText()).trim().length > 20 ? true : undefined), 30_000, 100);
    const toast = page().locator('.notification-toast', { hasText: 'Asking Coze' });
    await toast.getByRole('button', { name: 'Cancel' }).click();
    await frame.getByText('Stopped: the answer is incomplete.').waitFor({ timeout: 15_000 });
    await screenshot(page(), 'answer-panel-stopped');
    const kept = (await frame.locator('main.answer').innerText()).trim();
    assert.ok(kept.length > 20, 'the partial answer stays in the panel');
    const cancel = await waitFor('POST /v3/chat/cancel', () => fake.requests.find((r) => r.endpoint === 'cancel'), 15_000, 100);
    const chatId = (cancel.body as { chat_id: string }).chat_id;
    assert.equal(fake.chat(chatId)?.status, 'canceled');
  });

  it('renders hostile bot output inert: no raw HTML, no scripts, no javascript: links', async function () {
    const fake = session?.fake;
    assert.ok(fake);
    const marker = 'Hostile answer marker';
    await setFakeBehavior(fake, {
      completeAfterMs: 200,
      deltaIntervalMs: 5,
      answers: [
        `${marker}\n\n<img src=x onerror="window.__pwned='img'"> <script>window.__pwned='script'</script>\n\n` +
          `[click me](javascript:window.__pwned='link') [data](data:text/html,<script>1</script>) ![pixel](https://tracker.example/p.png)\n\n` +
          '<iframe src="https://example.com"></iframe><a href="javascript:alert(1)">raw anchor</a>',
      ],
    });
    let dialogs = 0;
    page().on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await runPaletteCommand(page(), 'Coze: Ask Coze');
    await answerInputBox(page(), 'Show me something hostile', { prompt: 'Ask Coze a question' });
    const frame = await findWebviewFrame(page(), marker, 60_000);
    await frame.getByText('Copy answer').waitFor({ timeout: 30_000 });
    const found = await frame.evaluate(() => {
      const answer = document.querySelector('main.answer')!;
      return {
        pwned: (window as unknown as { __pwned?: string }).__pwned,
        imgs: answer.querySelectorAll('img').length,
        scripts: answer.querySelectorAll('script').length,
        iframes: answer.querySelectorAll('iframe').length,
        handlers: [...answer.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
        badLinks: [...answer.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '').filter((h) => !/^(https?:|mailto:)/i.test(h)),
        text: (answer as HTMLElement).innerText,
      };
    });
    await screenshot(page(), 'answer-panel-hostile');
    assert.equal(found.pwned, undefined, 'no injected code ran');
    assert.equal(dialogs, 0, 'no dialog opened');
    assert.deepEqual([found.imgs, found.scripts, found.iframes, found.handlers], [0, 0, 0, 0], JSON.stringify(found));
    assert.deepEqual(found.badLinks, []);
    assert.ok(found.text.includes('<script>'), 'raw HTML is shown as text, not dropped silently');
  });

  it('after a window reload, a follow-up from the restored answer panel continues its Coze conversation', async function () {
    const fake = session?.fake;
    assert.ok(fake);
    const followUp = 'What about the edge cases?';
    await setFakeBehavior(fake, { completeAfterMs: 300, deltaIntervalMs: 5, followUps: [followUp] });
    const question = 'How do I reverse a string in Go?';
    await runPaletteCommand(page(), 'Coze: Ask Coze');
    await answerInputBox(page(), question, { prompt: 'Ask Coze a question' });
    let frame = await findWebviewFrame(page(), question, 60_000);
    await frame.getByRole('button', { name: followUp }).waitFor({ timeout: 30_000 });
    const asked = fake.chats.find((c) => c.question === question);
    assert.ok(asked, 'the question reached Coze');

    // Reloaded the way a user does it in VS Code, so that the workbench saves its panels first (a browser
    // reload can come before VS Code has stored a panel opened moments ago).
    const reloaded = page().waitForEvent('load', { timeout: 60_000 });
    await runPaletteCommand(page(), 'Developer: Reload Window');
    await reloaded;
    await page().locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // code-server keeps the key in the page: a reload loses it (docs/testing.md).
    await setApiKeyFromPalette(page());
    frame = await findWebviewFrame(page(), question, 60_000);
    await frame.getByRole('button', { name: followUp }).click();
    const sent = await waitFor(
      'the follow-up on Coze',
      () => fake.requests.find((r) => r.endpoint === 'chat' && JSON.stringify(r.body ?? '').includes(followUp)),
      30_000,
      100,
    );
    assert.equal(sent.query.conversation_id, asked.conversationId, 'the restored panel continues the same Coze conversation');
    await findWebviewFrame(page(), followUp, 60_000);
    await screenshot(page(), 'answer-panel-restored-follow-up');
  });
});
