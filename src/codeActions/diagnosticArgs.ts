import * as v from 'valibot';

// The argument of askCoze.fixDiagnostic / askCoze.explainDiagnostic. The quick fix passes it, but anything
// can run a command with anything (a keybinding's args, another extension), so it is parsed like any input
// from outside. Plain data rather than a vscode.Diagnostic: command arguments of code actions travel through
// VS Code's command converter. Pure (no vscode import), unit-tested in plain Node.

const MAX_MESSAGE = 20_000;
const MAX_URI = 8_192;
const Line = v.pipe(v.number(), v.integer(), v.minValue(0));

export const DiagnosticArgsSchema = v.object({
  /** The document's URI, as vscode.Uri.toString() writes it. */
  uri: v.pipe(v.string(), v.nonEmpty(), v.maxLength(MAX_URI)),
  message: v.pipe(v.string(), v.maxLength(MAX_MESSAGE)),
  source: v.optional(v.pipe(v.string(), v.maxLength(200))),
  code: v.optional(v.pipe(v.string(), v.maxLength(200))),
  /** 0-based, as in vscode.Range. */
  startLine: Line,
  endLine: Line,
});
export type DiagnosticArgs = v.InferOutput<typeof DiagnosticArgsSchema>;

/** The argument when it is one; undefined otherwise (the command then does nothing). */
export function parseDiagnosticArgs(arg: unknown): DiagnosticArgs | undefined {
  const result = v.safeParse(DiagnosticArgsSchema, arg);
  return result.success ? result.output : undefined;
}

/** vscode.Diagnostic's code: a string, a number, or `{ value, target }` (a link to its documentation). */
export function diagnosticCodeText(code: unknown): string | undefined {
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  if (code && typeof code === 'object' && 'value' in code) {
    const value = (code as { value: unknown }).value;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}
