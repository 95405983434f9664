import { fenceFor, quoteSelection, type QuotedSelection } from '../chat/selectionQuote';

// The question @coze sends: what the user typed, then each `#file` / selection they attached, quoted as a fenced
// block named by `path:lines` with its language (the way "Ask Coze in Chat" quotes a selection,
// src/chat/selectionQuote.ts). The prompt comes first: a question too long for Coze is cut at its end
// (src/ask/confirmQuestion.ts), and what is cut must be code, never the question. Pure, unit-tested.

/** A reference as read by the participant (src/participant/referenceReader.ts). */
export type ReadReference =
  /** Code of a file or a range of one. */
  | { kind: 'code'; quote: QuotedSelection }
  /** A plain value VS Code attached as a string. */
  | { kind: 'text'; text: string };

/** The part of a reference the order needs: where it stands in the prompt, if it is written there. */
export interface PlacedReference {
  readonly range?: readonly [number, number];
}

/**
 * References in the order the user wrote them. VS Code hands them sorted in reverse by their place in the prompt
 * (for string surgery); attachments outside the prompt text (no range) come after, as given.
 */
export function inPromptOrder<T extends PlacedReference>(references: readonly T[]): T[] {
  const placed = references.filter((r) => r.range).sort((a, b) => a.range![0] - b.range![0]);
  return [...placed, ...references.filter((r) => !r.range)];
}

function quoteText(text: string): string {
  const body = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const fence = fenceFor(body);
  return `${fence}text\n${body}\n${fence}\n`;
}

export function quoteReference(reference: ReadReference): string {
  return reference.kind === 'code' ? quoteSelection(reference.quote) : quoteText(reference.text);
}

/** The prompt, then every reference quoted, one blank line apart. */
export function questionWithReferences(prompt: string, references: readonly ReadReference[]): string {
  const parts = [prompt.trim(), ...references.map((r) => quoteReference(r).replace(/\n$/, ''))].filter((p) => p !== '');
  return parts.join('\n\n');
}

/** 1-based inclusive lines of a range given 0-based; a range ending at column 0 of a later line ends the line before. */
export function lineSpan(start: { line: number }, end: { line: number; character: number }): { startLine: number; endLine: number } {
  const last = end.line > start.line && end.character === 0 ? end.line - 1 : end.line;
  return { startLine: start.line + 1, endLine: last + 1 };
}
