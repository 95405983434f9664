// The fixes a failure can offer, named once for the whole extension: the ask pipeline picks them, the answer
// panel shows them as notification buttons, the chat stores them with a failed turn and its webview sends
// them back. Pure (no vscode import) so that the protocol, the history parser and the webviews share it.

export const FIX_ACTIONS = ['setKey', 'switchRegion', 'openSettings', 'openProxySettings', 'retry', 'openLog'] as const;

export type FixAction = (typeof FIX_ACTIONS)[number];

/** The chat offers Retry as a button of its own on every failed turn, so a turn's fixes never include it. */
export type ChatFixAction = Exclude<FixAction, 'retry'>;

export const CHAT_FIX_ACTIONS: readonly ChatFixAction[] = FIX_ACTIONS.filter((a): a is ChatFixAction => a !== 'retry');

export function isChatFixAction(value: unknown): value is ChatFixAction {
  return typeof value === 'string' && (CHAT_FIX_ACTIONS as readonly string[]).includes(value);
}
