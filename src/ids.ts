// The shapes of ids, stated once. Imports nothing (no vscode, no schema library), so that the Coze client, the
// extension, the schemas and the tests can all share the rules without pulling anything else in.

/**
 * Local ids of chat conversations and turns. They name files in the history folder, so only characters that are
 * safe in a file name on every OS (no dots, no separators), and short enough to stay far from path limits.
 */
export const LOCAL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Coze's ids (bots, conversations, chats) are decimal numbers sent as strings: 19-digit snowflakes today. No
 * lower bound beyond one digit: a guessed minimum that turned out wrong would lock out real bots, while an id
 * that is too short costs one refused call at worst. The upper bound leaves room for longer ids but keeps a
 * webview or a settings file from handing over an unbounded string. `\d` is ASCII only (full-width digits are
 * refused); callers trim first where the source may hold spaces (settings.json, the client's options).
 */
export const COZE_ID_PATTERN = /^\d{1,32}$/;

// Plain predicates, not type guards: callers hold strings already, and a guard would narrow a refused id to
// `never` where the caller still wants to quote it in a message.
export function isLocalId(id: string): boolean {
  return LOCAL_ID_PATTERN.test(id);
}

export function isCozeId(id: string): boolean {
  return COZE_ID_PATTERN.test(id);
}

/** A bot id is a Coze id; the separate name lets call sites say which id they check. */
export const isBotId: (id: string) => boolean = isCozeId;
