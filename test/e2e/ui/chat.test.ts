// The sidebar chat, used as a person would in a real VS Code (code-server) with the packaged extension: typing
// and sending, watching the answer stream, Stop, follow-up chips, New Chat, the history after a page reload,
// Insert at cursor, "Ask Coze in Chat" from the editor's context menu, and hostile bot output rendering inert.
// Also takes the README's screenshots: light and dark theme, English and Chinese.
//
// Chinese: code-server has no language pack offline; setDisplayLanguage() in session.ts makes its workbench run in zh-cn
// anyway (VS Code's own UI stays English), so vscode.env.language is 'zh-cn' and the extension's
// package.nls.zh-cn.json and l10n/bundle.l10n.zh-cn.json are used: the chat and our commands are in Chinese.
import * as assert from 'assert';
import type { Page } from 'playwright-core';
import {
  answerInputBox,
  openEditorSubmenu,
  quickOpen,
  reportFailure,
  runPaletteCommand,
  screenshot,
  waitFor,
  waitForNotification,
} from '../codeServer';
import { TEST_TOKEN, type UiSession, setApiKeyFromPalette, setFakeBehavior, startUiSession, stopUiSession, sessionParts } from './session';
import { chatFrame, chatScreenshot, clickViewAction, openChat, readChat, send, setTheme, waitForAnswer, widenSidebar } from './chatDriver';

function failureHooks(get: () => UiSession | undefined): void {
  let failed = false;
  afterEach(async function () {
    const session = get();
    if (this.currentTest?.state === 'failed' && session) {
      failed = true;
      const name = `failed-chat-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
      console.log(`    screenshot: ${await screenshot(session.page, name).catch((e: Error) => e.message)}`);
    }
    // No reset of the fake between tests: the tests continue one conversation, which a reset would forget.
  });
  after(async function () {
    if (failed) reportFailure(get()?.server);
    await stopUiSession(get());
  });
}

const HOSTILE_ANSWER = [
  'Here is some markup: <img src=x onerror="window.__pwned = 1; alert(1)"> and <script>alert(2)</script>.',
  '',
  '<iframe src="javascript:alert(3)"></iframe>',
  '',
  '[click me](javascript:alert(4)) and [data](data:text/html,<script>alert(5)</script>) and [safe](https://www.coze.cn)',
  '',
  '![tracker](https://example.com/pixel.png)',
].join('\n');

describe('The chat in VS Code (code-server)', function () {
  let session: UiSession | undefined;
  const { page, fake } = sessionParts(() => session);

  before(async function () {
    session = await startUiSession('ui-chat');
    await setApiKeyFromPalette(page());
  });
  failureHooks(() => session);

  it('sends a typed question with Enter and streams the answer in', async function () {
    await setFakeBehavior(fake(), { completeAfterMs: 4000, deltaIntervalMs: 40, deltaSize: 6, followUps: ['Can you show a more complete example?'] });
    const frame = await openChat(page());
    // The page asks the extension for its state once it has loaded: wait for it.
    const start = await waitFor('the empty chat', async () => {
      const view = await readChat(frame);
      return view.empty ? view : undefined;
    }, 30_000);
    assert.equal(start.lang, 'en');
    await send(page(), 'How do I count the lines of a file in TypeScript?');

    // Streaming: the answer grows while the Stop button is shown.
    const lengths: number[] = [];
    await waitFor(
      'the answer to grow while streaming',
      async () => {
        const view = await readChat(await chatFrame(page()));
        const turn = view.turns[0];
        if (turn && view.busy && turn.answer.length > 0) lengths.push(turn.answer.length);
        return lengths.length >= 3 && lengths.at(-1)! > lengths[0]! ? true : undefined;
      },
      30_000,
      150,
    );
    assert.equal(await (await chatFrame(page())).locator('button.stop').isVisible(), true, 'Stop is offered while answering');
    const done = await waitForAnswer(page(), 1);
    const turn = done.turns[0]!;
    assert.equal(turn.status, 'done');
    assert.match(turn.answer, /How do I count the lines of a file in TypeScript\?/, 'the answer quotes the question');
    assert.ok(turn.codeBlocks >= 1, 'the code block is rendered');
    assert.ok(turn.highlighted > 0, 'the code block is syntax-highlighted');
    assert.deepEqual(turn.chips, ['Can you show a more complete example?']);
    assert.equal(done.input, '', 'the input is cleared after sending');
  });

  it('clicks a follow-up chip, which asks it in the same conversation', async function () {
    const frame = await chatFrame(page());
    await frame.locator('.chip', { hasText: 'Can you show a more complete example?' }).click();
    const view = await waitForAnswer(page(), 2);
    assert.equal(view.turns[1]!.status, 'done');
    assert.equal(view.turns[1]!.question.trim(), 'Can you show a more complete example?');
    assert.deepEqual(view.turns[0]!.chips, [], 'chips are shown only under the last answer');
    const chats = fake().requests.filter((r) => r.endpoint === 'chat');
    assert.ok(chats.at(-1)!.query.conversation_id, 'the follow-up continues the conversation');
  });

  it('stops an answer mid-way with Escape, keeping what arrived', async function () {
    await setFakeBehavior(fake(), { completeAfterMs: 20_000, deltaIntervalMs: 80, deltaSize: 4 });
    await send(page(), 'Tell me a very long story about closures');
    await waitFor('text to arrive', async () => {
      const view = await readChat(await chatFrame(page()));
      return (view.turns[2]?.answer.length ?? 0) > 20 ? true : undefined;
    }, 30_000);
    const frame = await chatFrame(page());
    await frame.locator('textarea.composer-input').press('Escape');
    const view = await waitForAnswer(page(), 3, 5_000);
    const turn = view.turns[2]!;
    assert.equal(turn.status, 'stopped');
    assert.ok(turn.answer.length > 20, 'the partial answer stays');
    assert.ok((await frame.locator('.turn').nth(2).innerText()).includes('Stopped'), 'marked as stopped');
    await waitFor('the cancel on Coze', () => (fake().requests.some((r) => r.endpoint === 'cancel') ? true : undefined), 10_000);
    assert.equal(await frame.locator('.turn').nth(2).locator('button.retry').isVisible(), true, 'Retry is offered');
  });

  it('inserts a code block from an answer into the editor at the cursor', async function () {
    // Quick Open, so that the sidebar keeps showing the chat.
    await quickOpen(page(), 'sample.ts');
    const editor = page().locator('.monaco-editor .view-lines', { hasText: 'greetCozeUser' });
    await editor.waitFor({ timeout: 30_000 });
    await editor.click();
    await page().keyboard.press('Control+End');
    const frame = await chatFrame(page());
    await frame.locator('.turn').first().locator('button.insert-code').first().click();
    await waitFor('the code in the editor', async () => ((await editor.innerText()).includes('countLines') ? true : undefined), 15_000);
  });

  it('asks about selected text from the editor context menu ("Ask Coze in Chat")', async function () {
    const word = page().locator('.monaco-editor .view-line span', { hasText: /^greetCozeUser$/ }).first();
    await word.dblclick();
    // The item's accessible name ends with its keybinding ("Ask Coze in Chat Ctrl+Alt+K").
    await (await openEditorSubmenu(page(), /^Coze$/, /^Ask Coze in Chat\b/))();
    const view = await waitFor('the quoted selection in the chat input', async () => {
      const v = await readChat(await chatFrame(page()));
      return v.input.includes('greetCozeUser') ? v : undefined;
    }, 30_000);
    assert.match(view.input, /^`sample\.ts:2`\n```typescript\ngreetCozeUser\n```\n\n$/);
    const frame = await chatFrame(page());
    const focused = await frame.evaluate(() => document.activeElement?.className ?? '');
    assert.match(focused, /composer-input/, 'the caret is in the chat input');
    await frame.locator('textarea.composer-input').press('End');
    await page().keyboard.type('What does this function do?');
    await page().keyboard.press('Enter');
    const answered = await waitForAnswer(page(), 4);
    assert.match(answered.turns[3]!.question, /greetCozeUser[\s\S]*What does this function do\?/);
    const turns = (await chatFrame(page())).locator('.turn');
    assert.equal(await turns.nth(2).locator('button.retry').isVisible(), false, 'no Retry under the stopped turn once another one follows');
  });

  it('renders hostile bot output inert: no script, no event handler, no javascript: link, no remote image', async function () {
    let dialogs = 0;
    page().on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    await clickViewAction(page(), 'New Chat');
    await waitFor('the empty chat', async () => ((await readChat(await chatFrame(page()))).empty ? true : undefined), 15_000);
    await setFakeBehavior(fake(), { answers: [HOSTILE_ANSWER], followUps: [] });
    await send(page(), 'Show me some HTML');
    const view = await waitForAnswer(page(), 1);
    assert.match(view.turns[0]!.answer, /<img src=x onerror=/, 'raw HTML is shown as text');
    const frame = await chatFrame(page());
    const dom = await frame.evaluate(() => {
      const answer = document.querySelector('.answer-body')!;
      return {
        // VS Code adds a script of its own to every webview page; ours is the bundle. None may come from the answer.
        scripts: [...document.querySelectorAll('script')].filter((n) => n.closest('#app') || (n.getAttribute('src') ?? '').includes('chat.js')).length,
        answerScripts: answer.querySelectorAll('script, iframe, img, object, embed').length,
        handlers: [...answer.querySelectorAll('*')].filter((n) => [...n.attributes].some((a) => a.name.startsWith('on'))).length,
        hrefs: [...answer.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? ''),
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? 0,
      };
    });
    assert.equal(dom.scripts, 1, 'our nonce\'d bundle, nothing in the page from the answer');
    assert.equal(dom.answerScripts, 0);
    assert.equal(dom.handlers, 0);
    assert.ok(dom.hrefs.every((h) => /^https:/.test(h)), `only https links: ${dom.hrefs.join(', ')}`);
    assert.ok(dom.hrefs.includes('https://example.com/pixel.png'), 'the image is a link, not loaded');
    await frame.locator('.answer-body').getByText('click me').click();
    // The click is dispatched synchronously; this evaluation runs after it and after anything it ran.
    const pwnedAfterClick = await frame.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? 0);
    assert.equal(dom.pwned, 0);
    assert.equal(pwnedAfterClick, 0, 'clicking the javascript: link ran nothing');
    assert.equal(dialogs, 0, 'no alert');
  });

  it('starts a new chat, and after a page reload finds the conversation in the history', async function () {
    const before = await readChat(await chatFrame(page()));
    assert.equal(before.turns.length, 1);
    await clickViewAction(page(), 'New Chat');
    await waitFor('the empty chat', async () => ((await readChat(await chatFrame(page()))).empty ? true : undefined), 15_000);

    await page().reload();
    await page().locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await openChat(page());
    await clickViewAction(page(), 'Chat History');
    const view = await waitFor('the history', async () => {
      const v = await readChat(await chatFrame(page()));
      return v.historyVisible && v.history.length >= 2 ? v : undefined;
    }, 30_000);
    assert.ok(view.history.includes('Show me some HTML'), `history: ${view.history.join(' | ')}`);
    assert.ok(view.history.includes('How do I count the lines of a file in TypeScript?'));
    const frame = await chatFrame(page());
    await frame.locator('.history-open', { hasText: 'How do I count the lines of a file in TypeScript?' }).click();
    const reopened = await waitFor('the reopened conversation', async () => {
      const v = await readChat(await chatFrame(page()));
      return !v.historyVisible && v.turns.length >= 3 ? v : undefined;
    }, 15_000);
    assert.equal(reopened.turns[2]!.status, 'stopped', 'the stopped answer is still marked stopped');
  });

  it('takes screenshots in a dark and a light theme (English)', async function () {
    // After the reload the key is gone from code-server's in-page secret storage.
    await setApiKeyFromPalette(page());
    await widenSidebar(page(), 460);
    await clickViewAction(page(), 'New Chat');
    await setFakeBehavior(fake(), { answers: null, completeAfterMs: 300, deltaIntervalMs: 2, deltaSize: 40, followUps: ['What are the common pitfalls here?', 'How would I write a test for this?'] });
    await send(page(), 'How do I count the non-empty lines of a file in TypeScript?');
    await waitForAnswer(page(), 1);
    const frame = await chatFrame(page());
    await frame.evaluate(() => document.querySelector('.transcript')!.scrollTo(0, 0));
    await setTheme(page(), 'Dark Modern', 'vs-dark');
    await chatScreenshot(page(), 'chat-dark-en');
    await setTheme(page(), 'Light Modern', 'vs');
    await chatScreenshot(page(), 'chat-light-en');
  });
});

describe('The chat in Chinese (code-server, display language zh-cn)', function () {
  let session: UiSession | undefined;
  const page = (): Page => {
    if (!session) throw new Error('no UI session');
    return session.page;
  };

  before(async function () {
    session = await startUiSession('ui-chat-zh', { locale: 'zh-cn' });
    await runPaletteCommand(page(), 'Coze: 设置 API 密钥');
    await answerInputBox(page(), TEST_TOKEN, { password: true });
    await waitForNotification(page(), '已保存');
  });
  failureHooks(() => session);

  it('shows the chat in Chinese and takes screenshots in a dark and a light theme', async function () {
    await widenSidebar(page(), 460);
    const frame = await openChat(page(), 'Coze: 打开聊天');
    const view = await readChat(frame);
    assert.equal(view.lang, 'zh-cn');
    assert.match(view.placeholder, /向扣子提问/);
    await setFakeBehavior(session!.fake, { completeAfterMs: 300, deltaIntervalMs: 2, deltaSize: 40 });
    await send(page(), '如何用 Python 统计文件中的非空行数？');
    const answered = await waitForAnswer(page(), 1);
    assert.match(answered.turns[0]!.answer, /回答/);
    assert.ok((await (await chatFrame(page())).locator('.turn').first().innerText()).includes('复制回答'), 'the buttons are in Chinese');
    await (await chatFrame(page())).evaluate(() => document.querySelector('.transcript')!.scrollTo(0, 0));
    await setTheme(page(), 'Dark Modern', 'vs-dark');
    await chatScreenshot(page(), 'chat-dark-zh');
    await setTheme(page(), 'Light Modern', 'vs');
    await chatScreenshot(page(), 'chat-light-zh');
  });
});
