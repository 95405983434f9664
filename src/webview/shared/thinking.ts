import { format } from './dom';

// The decisions of the Thinking block (a deep-thinking model's reasoning, shown above its answer), apart from
// the DOM so that the unit tests check them (test/unit/thinking.test.ts): when it is shown, when it is open,
// and what its summary says. The block itself is thinkingBlock.ts.

/** 'thinking': the model reasons and no answer text has come yet; 'thought': it has, or the turn ended. */
export type ThinkingPhase = 'none' | 'thinking' | 'thought';

export interface ThinkingStrings {
  /** "Thinking…" */
  thinking: string;
  /** "Thought for {0} s" */
  thoughtFor: string;
  /** Once it has thought, for how long not known. */
  thoughts: string;
}

export function thinkingPhase(reasoning: string, answer: string, busy: boolean): ThinkingPhase {
  if (!reasoning) return 'none';
  return busy && !answer ? 'thinking' : 'thought';
}

/**
 * Open while the model thinks (the reasoning is all there is to read), collapsed once the answer starts and in
 * a finished turn — unless the user opened or closed the block themselves: from then on their choice stands.
 */
export function thinkingOpen(phase: ThinkingPhase, userChoice: boolean | undefined): boolean {
  if (phase === 'none') return false;
  return userChoice ?? phase === 'thinking';
}

/**
 * While the model thinks, the summary carries the turn's status line ("Thinking · 3 s": the host's words and
 * time, src/ask/statusLabel.ts), and the status line itself is not shown under it (summaryCarriesStatus): the
 * same word twice, one line above the other, said nothing more. Without a status line, "Thinking…".
 */
export function thinkingSummary(phase: ThinkingPhase, reasoningMs: number | undefined, t: ThinkingStrings, statusText?: string): string {
  if (phase === 'thinking') return statusText || t.thinking;
  // Under a second reads as 1 s: "Thought for 0 s" would say it did not think at all.
  return reasoningMs === undefined ? t.thoughts : format(t.thoughtFor, Math.max(1, Math.round(reasoningMs / 1000)));
}

/** The turn's status line is left out while the Thinking block's summary carries it: only while the model thinks. */
export function summaryCarriesStatus(phase: ThinkingPhase): boolean {
  return phase === 'thinking';
}
