// What a history search matches, and the snippet shown around a match. Pure (no vscode, no Node): unit-tested.
//
// A query is a phrase: case-insensitive (Unicode simple case folding, the regex `i` + `u` flags, so "É" finds
// "é" and a final sigma needs no special case), and any run of whitespace in it matches any run of whitespace
// in the text (an answer may break a line where the query has a space). Chinese has no case and no spaces
// between words: it is matched as typed.

/** The longest query searched; longer ones are cut (a search box, not a document). */
export const MAX_SEARCH_QUERY = 200;

export interface TextMatch {
  index: number;
  length: number;
}

export interface SearchMatcher {
  /** The query as searched (trimmed, whitespace runs as one space). */
  readonly query: string;
  /** The first match in `text`, if any. */
  find(text: string): TextMatch | undefined;
  /**
   * Whether the raw JSON of a conversation file may hold a match: false only when no string in it can. Lets a
   * search skip parsing the files that cannot match. JSON.stringify (how the history is written) escapes only
   * quotes, backslashes and control characters, so the query's JSON-escaped form is what a file holds, with
   * whitespace possibly written as \n, \r, \t or \f.
   */
  mayContain(json: string): boolean;
}

/** The matcher of a query; undefined when there is nothing to search for. */
export function searchMatcher(rawQuery: string): SearchMatcher | undefined {
  const query = Array.from(rawQuery.replace(/\s+/g, ' ').trim()).slice(0, MAX_SEARCH_QUERY).join('').trim();
  if (!query) return undefined;
  const words = query.split(' ');
  const text = new RegExp(words.map(escapeRegExp).join('\\s+'), 'iu');
  const json = new RegExp(words.map((w) => escapeRegExp(JSON.stringify(w).slice(1, -1))).join('(?:\\s|\\\\[nrtf]|\\\\u000b)+'), 'iu');
  return {
    query,
    find(haystack) {
      const m = text.exec(haystack);
      return m ? { index: m.index, length: m[0].length } : undefined;
    },
    mayContain: (raw) => json.test(raw),
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface Snippet {
  /** The text before the match ('…' first when it was cut). */
  before: string;
  match: string;
  /** The text after it ('…' last when it was cut). */
  after: string;
}

/** How much text a snippet keeps around the match, in characters (code points). */
export const SNIPPET_CONTEXT = { before: 40, after: 90 };

/**
 * The match in `text` with some text around it, on one line (whitespace runs as one space). Cut at a space near
 * the edge when there is one, so that words are not cut in half; never inside a surrogate pair.
 */
export function snippetAt(text: string, match: TextMatch, context = SNIPPET_CONTEXT): Snippet {
  const oneLine = (s: string) => s.replace(/\s+/g, ' ');
  // Only a bounded piece of the text is looked at: an answer may be hundreds of kilobytes.
  const window = context.before * 4 + 16;
  const headStart = Math.max(0, match.index - window);
  const head = Array.from(oneLine(plainText(text.slice(headStart, match.index))));
  const tailEnd = Math.min(text.length, match.index + match.length + context.after * 4 + 16);
  const tail = Array.from(oneLine(plainText(text.slice(match.index + match.length, tailEnd))));

  let before = head.slice(-context.before);
  const cutBefore = before.length < head.length || headStart > 0;
  if (cutBefore) before = fromWordStart(before);
  let after = tail.slice(0, context.after);
  const cutAfter = after.length < tail.length || tailEnd < text.length;
  if (cutAfter) after = toWordEnd(after);

  let beforeText = before.join('');
  let afterText = after.join('');
  if (!cutBefore) beforeText = beforeText.trimStart();
  if (!cutAfter) afterText = afterText.trimEnd();
  return {
    before: cutBefore ? `…${beforeText.trimStart()}` : beforeText,
    match: oneLine(text.slice(match.index, match.index + match.length)),
    after: cutAfter ? `${afterText.trimEnd()}…` : afterText,
  };
}

/** Without the Markdown marks that make a snippet hard to read: code fence lines, heading marks, emphasis, code ticks. */
function plainText(markdown: string): string {
  return markdown
    .replace(/^[ \t]*(?:`{3,}|~{3,}).*$/gm, ' ')
    .replace(/^[ \t]*#{1,6}[ \t]+/gm, '')
    .replace(/\*\*|__|`+/g, '');
}

/** Drops a partial first word when a space comes soon enough (text without spaces, such as Chinese, is kept). */
function fromWordStart(points: string[]): string[] {
  const space = points.indexOf(' ');
  return space >= 0 && space < 15 ? points.slice(space + 1) : points;
}

function toWordEnd(points: string[]): string[] {
  const space = points.lastIndexOf(' ');
  return space >= 0 && points.length - space < 15 ? points.slice(0, space) : points;
}
