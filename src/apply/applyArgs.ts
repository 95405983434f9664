import * as v from 'valibot';

// The argument of askCoze.applyCodeBlock: `{ code, uri?, startLine?, endLine? }`. Anything can run a command
// with anything, so it is parsed like any input from outside. Pure (no vscode import), unit-tested.

const MAX_CODE = 5_000_000;
const Line = v.pipe(v.number(), v.integer(), v.minValue(1));

export const ApplyArgsSchema = v.pipe(
  v.object({
    code: v.pipe(v.string(), v.maxLength(MAX_CODE)),
    /** The file to apply to (vscode.Uri.toString()); without it the editor decides (src/apply/codeApplier.ts). */
    uri: v.optional(v.pipe(v.string(), v.nonEmpty(), v.maxLength(8_192))),
    /** With `uri`: the lines the code replaces, 1-based, inclusive. */
    startLine: v.optional(Line),
    endLine: v.optional(Line),
  }),
  v.check((a) => (a.startLine === undefined) === (a.endLine === undefined) && (a.startLine === undefined || (a.uri !== undefined && a.endLine! >= a.startLine))),
);
export type ApplyArgs = v.InferOutput<typeof ApplyArgsSchema>;

export function parseApplyArgs(arg: unknown): ApplyArgs | undefined {
  const result = v.safeParse(ApplyArgsSchema, arg);
  return result.success ? result.output : undefined;
}
