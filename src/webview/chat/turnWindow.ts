// Which turns of a conversation the transcript renders: a window [start, end) of them. A long conversation opens
// with its newest turns only, and the rest comes in a page at a time as the user scrolls up (or down, after
// jumping to an old turn from a search). Rendering is what costs (Markdown, sanitizing, highlighting, layout),
// and it grows with the text, so a page is bounded by characters as well as by turns. Pure: unit-tested.

export interface TurnWindow {
  start: number;
  end: number;
}

export interface PageSize {
  /** At most this many turns per page… */
  turns: number;
  /** …and no more once this many characters (question + answer + reasoning) are in it; always one turn at least. */
  chars: number;
}

/**
 * About 1.5 screens of a typical answer per page: a conversation opens in tens of milliseconds whatever its
 * length (npm run bench, "Opening a long conversation"), and the next page comes in before the user reaches the top.
 */
export const PAGE: PageSize = { turns: 8, chars: 12_000 };

/** The characters a turn puts on screen, which is what its rendering costs. */
export function turnSize(turn: { question: string; answer: string; reasoning?: string }): number {
  return turn.question.length + turn.answer.length + (turn.reasoning?.length ?? 0);
}

/** Turns from `from` going down (older), one page: the new start. */
function pageBefore(sizes: readonly number[], from: number, page: PageSize): number {
  let start = from;
  let chars = 0;
  while (start > 0 && from - start < page.turns && (start === from || chars < page.chars)) {
    start--;
    chars += sizes[start]!;
  }
  return start;
}

/** Turns from `from` going up (newer), one page: the new end. */
function pageAfter(sizes: readonly number[], from: number, page: PageSize): number {
  let end = from;
  let chars = 0;
  while (end < sizes.length && end - from < page.turns && (end === from || chars < page.chars)) {
    chars += sizes[end]!;
    end++;
  }
  return end;
}

/** The newest page: what a conversation opens with. */
export function newestWindow(sizes: readonly number[], page: PageSize = PAGE): TurnWindow {
  return { start: pageBefore(sizes, sizes.length, page), end: sizes.length };
}

/** One more page of older turns. */
export function withEarlier(window: TurnWindow, sizes: readonly number[], page: PageSize = PAGE): TurnWindow {
  return { start: pageBefore(sizes, window.start, page), end: window.end };
}

/** One more page of newer turns. */
export function withLater(window: TurnWindow, sizes: readonly number[], page: PageSize = PAGE): TurnWindow {
  return { start: window.start, end: pageAfter(sizes, window.end, page) };
}

/**
 * A page that starts at turn `index` (a search result): it and the turns after it. Near the end of the
 * conversation the page reaches back instead, so that it is a full page and ends with the newest turn.
 */
export function windowAt(index: number, sizes: readonly number[], page: PageSize = PAGE): TurnWindow {
  const at = Math.max(0, Math.min(index, sizes.length - 1));
  if (sizes.length === 0) return { start: 0, end: 0 };
  const end = pageAfter(sizes, at, page);
  if (end < sizes.length) return { start: at, end };
  return { start: Math.min(at, newestWindow(sizes, page).start), end };
}

/**
 * The window kept when the conversation shown changes (an answer ends, a turn is added, turns merged in from
 * another window): the same turns, found by id, plus any new turns at the end when the window reached the end.
 * A new turn being asked is always shown: then the newest page, if the window was elsewhere.
 */
export function keptWindow(
  previous: { startId: string | undefined; endId: string | undefined; atEnd: boolean },
  ids: readonly string[],
  sizes: readonly number[],
  newTurnAsked: boolean,
  page: PageSize = PAGE,
): TurnWindow {
  const total = ids.length;
  if (total === 0) return { start: 0, end: 0 };
  const start = previous.startId === undefined ? -1 : ids.indexOf(previous.startId);
  if (start < 0) return newestWindow(sizes, page);
  const endIndex = previous.endId === undefined ? -1 : ids.indexOf(previous.endId);
  const end = previous.atEnd || endIndex < 0 ? total : endIndex + 1;
  if (newTurnAsked && end < total) return newestWindow(sizes, page);
  return { start: Math.min(start, end - 1), end };
}
