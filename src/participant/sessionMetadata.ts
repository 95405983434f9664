import * as v from 'valibot';
import { ChatBotKeySchema, CozeIdSchema, FollowUpsSchema, lenientObject, optionalField } from '../protocol';

// What @coze keeps with each answer in VS Code's Chat: VS Code gives a participant no session id, but it hands
// back every earlier result of the session (ChatContext.history → ChatResponseTurn.result.metadata), and keeps it
// when the session is saved and restored. So the Coze conversation, the bot it is with and the session's /bot
// pick travel in ChatResult.metadata, and the next request reads them from the last answer. Pure (no vscode):
// unit-tested in plain Node. VS Code stores what it is given and may hand back an old or foreign shape: every
// field is read leniently, a result without our marker is not ours.

/** Marks a result as written by @coze, and its shape. */
export const METADATA_VERSION = 1;

/** The bot choices `/bot` offers as follow-ups: at most this many (askCoze.bots holds at most 50). */
export const MAX_BOT_CHOICES = 50;

export interface SessionMetadata {
  askCoze: typeof METADATA_VERSION;
  /** The bot (or chatflow key, `chatflow:<id>`) the Coze conversation is with. */
  botKey: string;
  /** The Coze conversation this session continues; absent before the first answer or after Coze forgot it (4002). */
  cozeConversationId?: string;
  /** The bot picked with `/bot` in this session; absent: the session follows askCoze.botId. */
  pickedBotKey?: string;
  /** The bot's follow_up suggestions for the last answer. */
  followUps: string[];
  /** `/bot` without a name: the bots to pick from, offered as follow-ups of that command. */
  botChoices?: BotChoice[];
}

export interface BotChoice {
  /** The bot's name, sent as `/bot <name>`. */
  prompt: string;
  label: string;
}

const BotChoiceSchema = v.object({ prompt: v.pipe(v.string(), v.maxLength(200)), label: v.pipe(v.string(), v.maxLength(200)) });

const SessionMetadataSchema = lenientObject({
  askCoze: v.literal(METADATA_VERSION),
  botKey: ChatBotKeySchema,
  cozeConversationId: optionalField(CozeIdSchema),
  pickedBotKey: optionalField(ChatBotKeySchema),
  followUps: FollowUpsSchema,
  botChoices: optionalField(v.pipe(v.array(BotChoiceSchema), v.maxLength(MAX_BOT_CHOICES))),
});

/** The metadata of one result when it is ours, else undefined. */
export function metadataOf(result: unknown): SessionMetadata | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const parsed = v.safeParse(SessionMetadataSchema, (result as { metadata?: unknown }).metadata);
  return parsed.success ? (parsed.output as SessionMetadata) : undefined;
}

/**
 * The session as the last answer of @coze left it: the metadata of the newest response turn that carries ours.
 * Request turns have no `result`; a response of another participant (VS Code passes only ours today) is skipped.
 */
export function sessionOf(history: readonly unknown[]): SessionMetadata | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i];
    if (typeof turn !== 'object' || turn === null || !('result' in turn)) continue;
    const found = metadataOf(turn.result);
    if (found) return found;
  }
  return undefined;
}

/**
 * Which Coze conversation a question to `botKey` continues: the session's, when it is with that bot. A
 * conversation belongs to the bot it was started with (the sidebar chat starts a new one on a switch too).
 */
export function conversationFor(session: SessionMetadata | undefined, botKey: string): string | undefined {
  return session && session.botKey === botKey ? session.cozeConversationId : undefined;
}
