import * as v from 'valibot';
import { lenientObject, optionalField } from './protocol';

// Arguments of the commands that take one. Anything can run a command with anything: a keybinding's "args",
// another extension, a test, or VS Code itself, which passes the editor's Uri when a command runs from the
// editor's context menu. So an argument is untrusted input, and a field that is not usable counts as absent
// (the command then asks the user) rather than refusing the command.
//
// The chat's commands (askInChat, openChat, newChat, showChatHistory) read no argument, so they need no parser.
// Pure (no vscode import), so that the unit tests check it in plain Node.

/** `askCoze.ask`: `{ question?, mode? }`. A question given is final, even empty: it is not trimmed or bounded here. */
export const AskArgsSchema = lenientObject({
  question: optionalField(v.string()),
  mode: optionalField(v.picklist(['poll', 'stream'])),
});
export type AskArgs = v.InferOutput<typeof AskArgsSchema>;

/** What `askCoze.ask` was given; `{}` when it was nothing usable (no argument, a Uri, a string…). */
export function parseAskArgs(arg: unknown): AskArgs {
  const result = v.safeParse(AskArgsSchema, arg);
  return result.success ? result.output : {};
}
