// Reading a turn's Thinking block and status line while an answer streams, for the "Thinking said once" tests in
// platform.test.ts: while a reasoning model thinks, the block's summary carries the status and time ("Thinking · 3 s")
// and the status line under it is hidden, in the chat and in the answer panel. What a view shows is sampled
// (one evaluate per look) until the answer begins.
import * as assert from 'assert';
import type { Frame, Page } from 'playwright-core';
import { answerInputBox, findWebviewFrame, runPaletteCommand, waitFor } from '../codeServer';

/** One look at a turn: its Thinking block, its status line and whether its answer has begun. */
export interface Sample {
  phase: string;
  summary: string;
  statusShown: boolean;
  statusText: string;
  answered: boolean;
}

/** Where a view draws the parts of its turn (the chat: of the last one). */
export interface Layout {
  turn: string;
  status: string;
  answer: string;
}

export const CHAT: Layout = { turn: '.turn', status: '.turn-status', answer: '.answer-body' };
export const PANEL: Layout = { turn: 'body', status: '.status', answer: 'main.answer' };

export function look(frame: Frame, layout: Layout): Promise<Sample | undefined> {
  return frame.evaluate((l) => {
    const turns = document.querySelectorAll(l.turn);
    const turn = turns[turns.length - 1];
    const status = turn?.querySelector<HTMLElement>(l.status);
    if (!turn || !status) return undefined;
    const block = turn.querySelector<HTMLDetailsElement>('details.thinking');
    return {
      phase: block && !block.hidden ? (block.dataset.phase ?? '') : 'none',
      summary: block?.querySelector('summary')?.textContent ?? '',
      statusShown: getComputedStyle(status).display !== 'none' && status.childElementCount > 0,
      statusText: status.textContent ?? '',
      answered: (turn.querySelector(l.answer)?.textContent ?? '').trim().length > 0,
    };
  }, layout);
}

/** Samples the turn until its answer has begun; returns every sample taken. */
export async function sampleUntilAnswered(frame: () => Promise<Frame>, layout: Layout): Promise<Sample[]> {
  const samples: Sample[] = [];
  await waitFor(
    'the answer to begin',
    async () => {
      const sample = await look(await frame(), layout);
      if (sample) samples.push(sample);
      return sample?.answered ? true : undefined;
    },
    60_000,
    100,
  );
  return samples;
}

/** Every sample taken while the model thought: the summary has the status and time, the status line is hidden. */
export function assertSaidOnce(samples: Sample[], where: string): void {
  const thinking = samples.filter((s) => s.phase === 'thinking' && !s.answered);
  assert.ok(thinking.length >= 2, `${where}: the model was seen thinking (${JSON.stringify(samples.slice(0, 5))})`);
  for (const s of thinking) {
    assert.match(s.summary, /^Thinking · \d+ s$/, `${where}: the summary carries the time: ${JSON.stringify(s)}`);
    assert.equal(s.statusShown, false, `${where}: no status line under the Thinking block: ${JSON.stringify(s)}`);
  }
}

export const REASONING =
  'The user wants the lines of a file counted. Reading the whole file and splitting on newlines is simplest; for a ' +
  'large file a stream with readline avoids holding it in memory. I will show the simple way first, then the stream.';

export async function askInPanel(page: Page, question: string): Promise<Frame> {
  await runPaletteCommand(page, 'Coze: Ask Coze');
  await answerInputBox(page, question, { prompt: 'Ask Coze a question' });
  return findWebviewFrame(page, question, 60_000);
}
