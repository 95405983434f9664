// "Apply" a code block from an answer: the pure rules (no vscode import, unit-tested in plain Node). Which part
// of a file the block replaces, whether a block is a whole file, and how it is re-indented to fit where it goes.
// The rules are described for users in docs/apply.md.

/** A range of a document in lines and characters, 0-based; the end is exclusive (like vscode.Range). */
export interface Span {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/** What the block replaces: the whole file, or a span of it. */
export type ApplyTarget = { kind: 'wholeFile' } | { kind: 'span'; span: Span };

/** The edit to show in the diff and, once accepted, to make: `text` in place of `span` of the document. */
export interface PlannedEdit {
  span: Span;
  text: string;
}

export function splitLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

/** The block's lines without the blank lines around it (a fence's content ends with a line break). */
export function blockLines(block: string): string[] {
  const lines = splitLines(block);
  while (lines.length && lines[0]!.trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines;
}

export function indentationOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/**
 * The block's lines shifted so that its first line has `indent`, the indentation of the first line it
 * replaces; every other line moves by as much, so the block's own structure (and a last line that is less
 * indented than its first, like a closing brace or the code after a function) stays as it was. A bot that
 * answers with the quoted lines as they were indented changes nothing; one that dropped their shared
 * indentation gets it back. Blank lines stay empty. With `firstInline` the first line goes where the replaced
 * text began in the middle of a line: it gets no indentation, and the other lines stay as the block has them
 * (they were quoted with their whole indentation).
 */
export function reindent(block: string, indent: string, firstInline = false): string[] {
  const lines = blockLines(block);
  const from = indentationOf(lines[0] ?? '');
  return lines.map((line, i) => {
    if (line.trim() === '') return '';
    if (firstInline) return i === 0 ? line.trimStart() : line;
    return shifted(line, from, indent);
  });
}

/** `line` moved from indentation `from` to `to`: whitespace added, taken away, or (tabs for spaces) swapped. */
function shifted(line: string, from: string, to: string): string {
  if (from === to) return line;
  if (to.startsWith(from)) return to.slice(from.length) + line;
  if (from.startsWith(to)) {
    // Less indented than the first line: take away what whitespace it has, up to the difference.
    const remove = from.length - to.length;
    const own = indentationOf(line).length;
    return line.slice(Math.min(remove, own));
  }
  return line.startsWith(from) ? to + line.slice(from.length) : line;
}

const nonBlankLines = (text: string) =>
  splitLines(text)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/**
 * The whole-file rule: a block is the whole file when it begins with the file's first non-blank line, ends
 * with its last non-blank line, and has at least half as many non-blank lines as the file. A bot that answers
 * with the corrected file keeps its first and last lines (imports, a closing brace, an export); a snippet from
 * the middle of the file does not have both, and a snippet of the first lines is not half the file. An empty
 * file takes any block whole.
 */
export function looksLikeWholeFile(block: string, fileText: string): boolean {
  const file = nonBlankLines(fileText);
  const lines = nonBlankLines(block);
  if (file.length === 0) return true;
  if (lines.length === 0) return false;
  return lines[0] === file[0] && lines[lines.length - 1] === file[file.length - 1] && lines.length * 2 >= file.length;
}

/** The span of the whole document `lines` (as split by splitLines). */
export function wholeSpan(lines: readonly string[]): Span {
  const last = lines.length - 1;
  return { startLine: 0, startCharacter: 0, endLine: last, endCharacter: lines[last]!.length };
}

/**
 * A span as the user meant it: a start inside the first line's indentation is the line's start; an end at
 * the very start of a later line (a selection of whole lines) or in a line's trailing whitespace is the end of
 * the line before / of that line. So a block replaces whole lines unless the span really began or ended inside
 * the code of a line.
 */
export function normalizeSpan(lines: readonly string[], span: Span): Span {
  const { startLine } = span;
  let { startCharacter, endLine, endCharacter } = span;
  if (startCharacter <= indentationOf(lines[startLine] ?? '').length) startCharacter = 0;
  if (endCharacter === 0 && endLine > startLine) {
    endLine -= 1;
    endCharacter = (lines[endLine] ?? '').length;
  }
  const endText = lines[endLine] ?? '';
  if (endText.slice(endCharacter).trim() === '') endCharacter = endText.length;
  return { startLine, startCharacter, endLine, endCharacter };
}

/** The text of `span` in `lines`, with \n line breaks. */
export function textOf(lines: readonly string[], span: Span): string {
  if (span.startLine === span.endLine) return (lines[span.startLine] ?? '').slice(span.startCharacter, span.endCharacter);
  const parts = [(lines[span.startLine] ?? '').slice(span.startCharacter)];
  for (let i = span.startLine + 1; i < span.endLine; i++) parts.push(lines[i] ?? '');
  parts.push((lines[span.endLine] ?? '').slice(0, span.endCharacter));
  return parts.join('\n');
}

/**
 * The edit that puts `block` in place of `target` in the document `text` (whose line break is `eol`). A span
 * gets the block re-indented to its first line's indentation; the whole file gets the block as it is (its
 * indentation is its own), ending with a line break when the file did.
 */
export function planEdit(text: string, eol: string, block: string, target: ApplyTarget): PlannedEdit {
  const lines = splitLines(text);
  if (target.kind === 'wholeFile') {
    const body = blockLines(block).join(eol);
    const finalBreak = /\n$/.test(text) || text === '';
    return { span: wholeSpan(lines), text: body + (finalBreak && body ? eol : '') };
  }
  const span = normalizeSpan(lines, target.span);
  const first = lines[span.startLine] ?? '';
  const indent = indentationOf(first);
  const inline = span.startCharacter > 0;
  return { span, text: reindent(block, indent, inline).join(eol) };
}

/** The document text once `edit` is made. */
export function applyPlanned(text: string, eol: string, edit: PlannedEdit): string {
  const lines = splitLines(text);
  const before = [...lines.slice(0, edit.span.startLine), (lines[edit.span.startLine] ?? '').slice(0, edit.span.startCharacter)].join('\n');
  const after = [(lines[edit.span.endLine] ?? '').slice(edit.span.endCharacter), ...lines.slice(edit.span.endLine + 1)].join('\n');
  return (before + edit.text.replace(/\r\n?/g, '\n') + after).replace(/\n/g, eol);
}

/**
 * Where `replaced` (the text a span held when the diff was made) is in the document now: the same span when it
 * still holds it, else its only occurrence; undefined when it is gone or ambiguous.
 */
export function relocate(text: string, replaced: string, previous: Span): Span | undefined {
  const lines = splitLines(text);
  if (previous.endLine < lines.length && textOf(lines, previous) === replaced) return previous;
  return uniqueSpanOf(lines, replaced);
}

/** The span of the only occurrence of `needle` in `lines`; undefined for none, several, or an empty needle. */
export function uniqueSpanOf(lines: readonly string[], needle: string): Span | undefined {
  if (!needle) return undefined;
  const haystack = lines.join('\n');
  const at = haystack.indexOf(needle);
  if (at < 0 || haystack.indexOf(needle, at + 1) >= 0) return undefined;
  return spanOfOffsets(lines, at, at + needle.length);
}

export function spanOfOffsets(lines: readonly string[], start: number, end: number): Span {
  const position = (offset: number): [number, number] => {
    let line = 0;
    while (line < lines.length - 1 && offset > lines[line]!.length) {
      offset -= lines[line]!.length + 1;
      line++;
    }
    return [line, offset];
  };
  const [startLine, startCharacter] = position(start);
  const [endLine, endCharacter] = position(end);
  return { startLine, startCharacter, endLine, endCharacter };
}
