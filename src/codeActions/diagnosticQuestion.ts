import { quoteSelection, type QuotedSelection } from '../chat/selectionQuote';

// The question a quick fix asks ("Ask Coze to fix" / "Ask Coze to explain" on a diagnostic): the code around
// the problem quoted the way "Ask Coze in Chat" quotes a selection (`path:lines` over a fenced block, so that
// Apply knows which lines an answer's code replaces: src/apply/quotedCode.ts), then what is asked, the
// problem's source and code, and its message. Pure (no vscode import): the strings come translated.

/** Lines of code shown before and after the problem's own lines. */
export const CONTEXT_LINES = 3;
/** At most this many lines are quoted: a long diagnostic (a whole function) is cut after them. */
export const MAX_QUOTED_LINES = 40;
/** Above this many characters the context lines go first, then lines at the end. */
export const MAX_QUOTED_CHARS = 8_000;

export type DiagnosticQuestionKind = 'fix' | 'explain';

/** A diagnostic as the question needs it. Lines are 0-based, as in vscode.Range. */
export interface DiagnosticFacts {
  message: string;
  /** Who reported it ("ts", "eslint"), when known. */
  source?: string;
  /** Its code ("2322", "no-unused-vars"), when known. */
  code?: string;
  startLine: number;
  endLine: number;
}

/** Translated templates: {0} is the line ("3" or "3-5"), {1} the source and code ("ts(2322)"). */
export interface DiagnosticQuestionStrings {
  fix: string;
  fixNoSource: string;
  explain: string;
  explainNoSource: string;
  /** The fix's request for an answer that Apply can use. */
  answerWithCode: string;
}

/** "ts(2322)" as the Problems view shows it; "ts" or "2322" when only one is known; '' for neither. */
export function sourceLabel(source: string | undefined, code: string | undefined): string {
  const s = source?.trim() ?? '';
  const c = code?.trim() ?? '';
  if (s && c) return `${s}(${c})`;
  return s || c;
}

/**
 * The lines to quote (0-based, inclusive): the problem's lines with CONTEXT_LINES around them (blank lines at
 * the edges of the context left out), at most MAX_QUOTED_LINES; when they come to more than MAX_QUOTED_CHARS,
 * the context goes first, then lines from the end, keeping at least the problem's first line.
 */
export function quotedLines(facts: Pick<DiagnosticFacts, 'startLine' | 'endLine'>, lineCount: number, lineText: (line: number) => string): { start: number; end: number } {
  const lineLength = (line: number) => lineText(line).length;
  const last = Math.max(0, lineCount - 1);
  const problemStart = clamp(facts.startLine, 0, last);
  const problemEnd = clamp(Math.max(facts.endLine, facts.startLine), problemStart, last);
  const chars = (a: number, b: number) => {
    let n = 0;
    for (let i = a; i <= b; i++) n += lineLength(i) + 1;
    return n;
  };
  let start = Math.max(0, problemStart - CONTEXT_LINES);
  let end = Math.min(last, problemEnd + CONTEXT_LINES, start + MAX_QUOTED_LINES - 1);
  if (chars(start, end) > MAX_QUOTED_CHARS) {
    start = problemStart;
    end = Math.min(problemEnd, start + MAX_QUOTED_LINES - 1);
    while (end > start && chars(start, end) > MAX_QUOTED_CHARS) end--;
  }
  const blank = (line: number) => lineText(line).trim() === '';
  while (start < problemStart && blank(start)) start++;
  while (end > problemEnd && blank(end)) end--;
  return { start, end };
}

/** The question: the quote, then the request with the problem's line, source and code, then its message. */
export function diagnosticQuestion(kind: DiagnosticQuestionKind, facts: DiagnosticFacts, quote: QuotedSelection, t: DiagnosticQuestionStrings): string {
  const start = facts.startLine + 1;
  const end = Math.max(facts.endLine, facts.startLine) + 1;
  const line = start === end ? `${start}` : `${start}-${end}`;
  const source = sourceLabel(facts.source, facts.code);
  const template = kind === 'fix' ? (source ? t.fix : t.fixNoSource) : source ? t.explain : t.explainNoSource;
  const ask = format(template, line, source);
  // A blockquote keeps a multi-line message (TypeScript's explain the mismatch line by line) together.
  const message = facts.message
    .replace(/\r\n?/g, '\n')
    .trim()
    .split('\n')
    .map((l) => `> ${l}`.trimEnd())
    .join('\n');
  const parts = [quoteSelection(quote), ask, message];
  if (kind === 'fix') parts.push('', t.answerWithCode);
  return parts.join('\n');
}

function format(template: string, ...args: string[]): string {
  return template.replace(/\{(\d+)\}/g, (_m, i: string) => args[Number(i)] ?? '');
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(Math.max(n, min), max);
}
