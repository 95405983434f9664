import { normalizeSpan, spanOfOffsets, splitLines, textOf, uniqueSpanOf, type Span } from './codeEdit';

// The code a question was asked about, read back from the question itself: "Ask Coze in Chat" and the quick
// fixes quote it as `path:lines` over a fenced block (src/chat/selectionQuote.ts), and that quote stays in the
// turn's question, in memory and in the history. So the chat needs no record of its own to know which lines
// an answer's code block is meant to replace. Pure (no vscode import), unit-tested in plain Node.

/** A piece of a file as a question quoted it. */
export interface QuotedCode {
  /** As quoted: a workspace-relative path, an absolute path outside the workspace, or an untitled name. */
  fileName: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The quoted text, \n line breaks, without the line break at its end. */
  code: string;
  /** The fence's language name as quoted (`typescript`, `bash`…); absent when the fence had none. */
  language?: string;
}

const HEADER = /^`([^`\n]+):(\d+)(?:-(\d+))?`$/;
const FENCE = /^(`{3,})[^`\n]*$/;

/** The quotes in `question`, in order; text that is not a complete quote is skipped. */
export function parseQuotes(question: string): QuotedCode[] {
  const lines = splitLines(question);
  const quotes: QuotedCode[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    const header = HEADER.exec(lines[i]!);
    const fence = header && FENCE.exec(lines[i + 1]!);
    if (!header || !fence) continue;
    const close = lines.indexOf(fence[1]!, i + 2);
    if (close < 0) continue;
    const startLine = Number(header[2]);
    const endLine = header[3] === undefined ? startLine : Number(header[3]);
    if (startLine < 1 || endLine < startLine) continue;
    const quote: QuotedCode = { fileName: header[1]!, startLine, endLine, code: lines.slice(i + 2, close).join('\n') };
    const language = lines[i + 1]!.slice(fence[1]!.length).trim();
    if (language) quote.language = language;
    quotes.push(quote);
    i = close;
  }
  return quotes;
}

/** `path:lines` as the quote shows it (the label of a quote to pick from). */
export function quoteLabel(quote: QuotedCode): string {
  return `${quote.fileName}:${quote.startLine === quote.endLine ? quote.startLine : `${quote.startLine}-${quote.endLine}`}`;
}

/**
 * Where the quoted code is in the document `text` now: at its lines when they still hold it (the whole lines,
 * or the part of them the selection was), else its only occurrence elsewhere (lines were added above it since).
 * Undefined when the code is no longer in the file, or is in it several times away from its lines.
 */
export function locateQuote(text: string, quote: QuotedCode): Span | undefined {
  const lines = splitLines(text);
  if (!quote.code.trim()) return undefined;
  const first = quote.startLine - 1;
  const last = quote.endLine - 1;
  if (last < lines.length) {
    const span: Span = { startLine: first, startCharacter: 0, endLine: last, endCharacter: lines[last]!.length };
    const held = textOf(lines, span);
    if (held === quote.code) return span;
    // A selection that began or ended inside a line: the part of its lines it was.
    const at = held.indexOf(quote.code);
    if (at >= 0) {
      const before = lines.slice(0, first).reduce((n, line) => n + line.length + 1, 0);
      return normalizeSpan(lines, spanOfOffsets(lines, before + at, before + at + quote.code.length));
    }
  }
  const found = uniqueSpanOf(lines, quote.code);
  return found && normalizeSpan(lines, found);
}
