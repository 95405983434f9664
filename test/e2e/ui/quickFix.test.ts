// Quick fixes and Apply, as a person uses them in a real VS Code (code-server) with the packaged extension: a
// TypeScript file with a type error that VS Code's own TypeScript reports, the lightbulb menu from the keyboard
// (Ctrl+.), "Ask Coze to fix" picked with the arrow keys, the question and the answer in the sidebar chat, then
// Apply on the answer's code block, the diff editor, Accept from the diff's title bar, and the file on disk
// after saving. Screenshots: quick-fix (the menu) and apply-diff (the diff).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { quickOpen, reportFailure, screenshot, settled, waitFor } from '../codeServer';
import { chatFrame, waitForAnswer } from './chatDriver';
import { type UiSession, setApiKeyFromPalette, setFakeBehavior, startUiSession, stopUiSession, sessionParts } from './session';

const FILE = 'line-count.ts';
const BROKEN = ['export function lineCount(text: string): number {', "  const lines: number = text.split('\\n');", '  return lines;', '}', ''].join('\n');
const FIXED_BLOCK = ['export function lineCount(text: string): number {', "  const lines: string[] = text.split('\\n');", '  return lines.length;', '}'].join('\n');
const ANSWER = `\`text.split\` returns an array of strings, not a number. Count its elements:\n\n\`\`\`typescript\n${FIXED_BLOCK}\n\`\`\`\n`;

const ACTION_ROW = '.action-widget .monaco-list-row';

/**
 * Ctrl+. opens the quick-fix menu at the cursor; the arrow keys move to the row `label`, Enter runs it (the
 * keyboard, as for every menu: docs/testing.md). `before` runs with the row focused (the screenshot).
 */
async function pickQuickFix(page: Page, label: string, before?: () => Promise<void>): Promise<void> {
  const row = page.locator(ACTION_ROW, { hasText: label }).first();
  await waitFor(
    `the quick-fix menu with "${label}"`,
    async () => {
      if (!(await row.isVisible())) {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+.');
      }
      return (await row.waitFor({ timeout: 3_000 }).then(() => true, () => false)) || undefined;
    },
    30_000,
    250,
  );
  const rows = await page.locator(ACTION_ROW).count();
  for (let step = 0; step <= rows; step++) {
    const focused = (await page.locator(`${ACTION_ROW}.focused`).first().innerText({ timeout: 2_000 }).catch(() => '')).trim();
    if (focused.includes(label)) {
      await before?.();
      await page.keyboard.press('Enter');
      await row.waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`The quick-fix row "${label}" never took the keyboard focus`);
}

describe('Quick fix and Apply in VS Code (code-server)', function () {
  let session: UiSession | undefined;
  let failed = false;
  const { page, fake } = sessionParts(() => session);

  before(async function () {
    session = await startUiSession('ui-quickfix');
    await setApiKeyFromPalette(page());
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      failed = true;
      const name = `failed-quickfix-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
      console.log(`    screenshot: ${await screenshot(session.page, name).catch((e: Error) => e.message)}`);
    }
  });

  after(async function () {
    if (failed) reportFailure(session?.server);
    await stopUiSession(session);
  });

  it('asks Coze to fix a TypeScript error from the lightbulb, with the keyboard, and shows the answer in the chat', async function () {
    fs.writeFileSync(path.join(session!.server.dirs.workspace, FILE), BROKEN);
    await setFakeBehavior(fake(), { answers: [ANSWER], followUps: [], completeAfterMs: 300, deltaIntervalMs: 5, deltaSize: 24 });
    await quickOpen(page(), FILE);
    const editor = page().locator('.monaco-editor .view-lines', { hasText: 'lineCount' });
    await editor.waitFor({ timeout: 30_000 });
    // VS Code's TypeScript reports the type error (offline: it ships with VS Code); F8 puts the cursor on it.
    await waitFor('the TypeScript error squiggle', async () => ((await page().locator('.monaco-editor .squiggly-error').count()) > 0 ? true : undefined), 90_000, 500);
    await editor.click();
    await page().keyboard.press('F8');
    await page().locator('.marker-widget').waitFor({ timeout: 10_000 });
    await page().keyboard.press('Escape');

    await pickQuickFix(page(), 'Ask Coze to fix', async () => {
      await settled(page());
      await screenshot(page(), 'quick-fix');
    });

    const view = await waitForAnswer(page(), 1);
    const turn = view.turns[0]!;
    assert.equal(turn.status, 'done');
    assert.match(turn.question, /line-count\.ts:1-4/, 'the code around the problem is quoted with its file and lines');
    assert.match(turn.question, /const lines: number = text\.split/);
    assert.match(turn.question, /Fix this problem on line 2 \(ts\(2322\)\):/);
    assert.match(turn.question, /Type 'string\[\]' is not assignable to type 'number'/);
    assert.match(turn.answer, /returns an array of strings/);
    const asked = fake().requests.filter((r) => r.endpoint === 'chat').at(-1);
    assert.match(JSON.stringify(asked?.body ?? {}), /ts\(2322\)/, 'Coze was asked');
  });

  it('applies the answer’s code block through the diff editor, and Accept changes the file', async function () {
    const frame = await chatFrame(page());
    const apply = frame.locator('.turn').last().locator('.answer-body button.apply-code').first();
    assert.equal(await apply.getAttribute('aria-label'), 'Apply typescript');
    await apply.click();
    const diff = page().locator('.monaco-diff-editor');
    await diff.first().waitFor({ timeout: 30_000 });
    await page().locator('.tab.active', { hasText: `${FILE} ↔ Coze’s change` }).waitFor({ timeout: 15_000 });
    await waitFor('the change in the diff', async () => ((await diff.first().innerText()).includes('lines.length') ? true : undefined), 15_000);
    assert.equal(fs.readFileSync(path.join(session!.server.dirs.workspace, FILE), 'utf8'), BROKEN, 'nothing is written before Accept');
    await page().mouse.move(1, 1);
    await settled(page());
    await screenshot(page(), 'apply-diff');

    const accept = page().locator(".editor-actions .action-label[aria-label^=\"Accept Coze's Change\"]").first();
    await accept.waitFor({ timeout: 15_000 });
    await accept.click();
    await diff.first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
    await waitFor('the diff to close', async () => ((await page().locator('.tab', { hasText: 'Coze’s change' }).count()) === 0 ? true : undefined), 15_000);
    // Accept edits the file like any edit: the user saves it.
    const editor = page().locator('.monaco-editor .view-lines', { hasText: 'lineCount' }).first();
    await waitFor('the fixed code in the editor', async () => ((await editor.innerText()).includes('lines.length') ? true : undefined), 15_000);
    await page().keyboard.press('Control+S');
    await waitFor(
      'the fixed file on disk',
      () => (fs.readFileSync(path.join(session!.server.dirs.workspace, FILE), 'utf8') === `${FIXED_BLOCK}\n` ? true : undefined),
      15_000,
    );
  });
});
