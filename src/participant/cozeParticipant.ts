import * as vscode from 'vscode';
import type { AskPipeline } from '../ask/askPipeline';
import { fallbackBotName, type BotNameSource } from '../bots/botNames';
import { readBots } from '../chat/chatBots';
import { askTarget, type ChatBot } from '../chat/chatModel';
import type { Log } from '../log';
import { readSettings } from '../settings';
import { AppendOnlyAnswer } from './appendOnlyAnswer';
import { escapeMarkdown, findBot } from './botChoice';
import { fixCommand } from './fixButtons';
import { questionWithReferences } from './promptReferences';
import { readReferences } from './referenceReader';
import { conversationFor, MAX_BOT_CHOICES, METADATA_VERSION, metadataOf, sessionOf, type SessionMetadata } from './sessionMetadata';

// `@coze` in VS Code's Chat: one more surface over the one ask pipeline (docs/architecture.md). A request's
// prompt and its references go to the user's Coze bot, in the Coze conversation of this chat session (kept in
// the results' metadata: src/participant/sessionMetadata.ts); the answer streams as Markdown; Stop cancels the
// chat on Coze; a failure shows its message and its fixes as buttons; the bot's follow_up messages become VS
// Code's follow-ups. It never calls a VS Code language model: nothing here needs Copilot.
//
// The bot: a session follows askCoze.botId until `/bot <name or id>` picks another for it; that pick holds for the
// rest of the session (other sessions, the sidebar chat and the setting are not changed). A question to a bot other
// than the one the session's Coze conversation is with starts a new conversation.

export const PARTICIPANT_ID = 'askCoze.coze';
export const BOT_COMMAND = 'bot';

export interface CozeParticipantDeps {
  pipeline: AskPipeline;
  log: Log;
  botNames?: BotNameSource;
}

export class CozeParticipant {
  constructor(private readonly deps: CozeParticipantDeps) {}

  /** VS Code's request handler (an arrow function: VS Code calls it unbound). */
  readonly handle = (request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> => {
    const session = sessionOf(context.history);
    return request.command === BOT_COMMAND ? Promise.resolve(this.pickBot(request.prompt, session, stream)) : this.ask(request, session, stream, token);
  };

  /** VS Code's follow-up provider: the bot's follow_up suggestions, or after `/bot` the bots to pick. */
  readonly followupProvider: vscode.ChatFollowupProvider = {
    provideFollowups: (result: vscode.ChatResult): vscode.ChatFollowup[] => {
      const metadata = metadataOf(result);
      if (!metadata) return [];
      if (metadata.botChoices) return metadata.botChoices.map((c) => ({ prompt: c.prompt, label: c.label, command: BOT_COMMAND }));
      return metadata.followUps.map((prompt) => ({ prompt }));
    },
  };

  private readonly nameOf = (botId: string): string => this.deps.botNames?.resolve(botId) ?? fallbackBotName(botId);

  private bots(): ChatBot[] {
    return readBots(readSettings().botId, [], this.nameOf);
  }

  /** The bot a session asks: its `/bot` pick, else askCoze.botId. */
  private botOf(session: SessionMetadata | undefined): ChatBot {
    const key = session?.pickedBotKey ?? readSettings().botId;
    return this.bots().find((b) => b.id === key) ?? { id: key, name: '' };
  }

  private displayName(bot: ChatBot): string {
    return bot.name || this.nameOf(bot.id);
  }

  private async ask(request: vscode.ChatRequest, session: SessionMetadata | undefined, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    const { pipeline, log } = this.deps;
    const bot = this.botOf(session);
    const name = this.displayName(bot);
    const continued = conversationFor(session, bot.id);
    const metadata = (conversationId: string | undefined, followUps: string[] = []): SessionMetadata => {
      const m: SessionMetadata = { askCoze: METADATA_VERSION, botKey: bot.id, followUps };
      if (conversationId) m.cozeConversationId = conversationId;
      if (session?.pickedBotKey) m.pickedBotKey = session.pickedBotKey;
      return m;
    };

    const references = await readReferences(request.references);
    for (const skipped of references.skipped) stream.progress(vscode.l10n.t('Left out {0}: only text files are sent to Coze.', skipped));
    const typed = questionWithReferences(request.prompt, references.read);
    if (!typed.trim()) {
      stream.markdown(vscode.l10n.t('Type a question after @coze; attach code with #file or a selection.'));
      return { metadata: metadata(continued) };
    }
    const question = await pipeline.prepare(typed);
    if (!question || token.isCancellationRequested) {
      // The user declined to send a question that had to be cut: nothing went out, the session stays as it was.
      return { metadata: metadata(continued) };
    }

    if (session?.cozeConversationId && !continued) stream.progress(vscode.l10n.t('{0} starts a new Coze conversation.', name));
    for (const source of references.sources) stream.reference(source);
    stream.progress(vscode.l10n.t('Asking {0}…', name));

    const controller = new AbortController();
    const stop = token.onCancellationRequested(() => controller.abort());
    const answer = new AppendOnlyAnswer();
    let thinkingShown = false;
    try {
      const result = await pipeline.run({
        question,
        // A chatflow of askCoze.bots is asked like a bot (src/chat/chatModel.ts).
        ...askTarget(bot),
        conversationId: continued,
        signal: controller.signal,
        source: 'Chat view',
        onProgress: (update) => {
          if (token.isCancellationRequested) return;
          const added = answer.next(update.text);
          if (added) stream.markdown(added);
          // A deep-thinking model's reasoning stays out of the answer: the Chat view only says it is thinking.
          else if (!update.text && update.reasoning && !thinkingShown) {
            thinkingShown = true;
            stream.progress(vscode.l10n.t('{0} is thinking…', name));
          }
        },
      });
      switch (result.status) {
        case 'answered': {
          const rest = answer.finish(result.answer.text);
          if (rest) stream.markdown(rest);
          if (!result.answer.text) stream.markdown(vscode.l10n.t('{0} gave no text answer.', escapeMarkdown(name)));
          return { metadata: metadata(result.answer.conversationId, result.answer.followUps) };
        }
        case 'canceled':
          return { metadata: metadata(result.conversationId ?? continued) };
        case 'failed': {
          const rest = answer.next(result.partialText);
          if (rest) stream.markdown(rest);
          let message = result.error.message;
          let conversationId = result.conversationId ?? continued;
          if (result.error.code === 4002 && conversationId) {
            // Coze forgot the conversation (deleted or expired there): the next question starts a new one.
            conversationId = undefined;
            message = `${message} ${vscode.l10n.t('Coze no longer knows this conversation: the next question starts a new one, without the earlier context.')}`;
          }
          for (const action of result.error.actions) {
            const command = fixCommand(action, pipeline, result.settings);
            if (command) stream.button(command);
          }
          return { errorDetails: { message }, metadata: metadata(conversationId) };
        }
      }
    } catch (err) {
      // The pipeline classifies every failure of the question; this is a bug of ours around it.
      log.error(`Chat view: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      stream.button({ command: 'askCoze.showLog', title: vscode.l10n.t('Open Log') });
      return { errorDetails: { message: vscode.l10n.t('Ask Coze failed unexpectedly. See the log for details.') }, metadata: metadata(continued) };
    } finally {
      stop.dispose();
    }
  }

  /**
   * `/bot`: without a name, the chat's bots as follow-ups and Coze's catalogue (Coze: Select Bot, which sets
   * askCoze.botId); with a name or id, that bot for the rest of this session.
   */
  private pickBot(prompt: string, session: SessionMetadata | undefined, stream: vscode.ChatResponseStream): vscode.ChatResult {
    const current = this.botOf(session);
    const carried: SessionMetadata = { askCoze: METADATA_VERSION, botKey: session?.botKey ?? current.id, followUps: [] };
    if (session?.cozeConversationId) carried.cozeConversationId = session.cozeConversationId;
    if (session?.pickedBotKey) carried.pickedBotKey = session.pickedBotKey;
    const bots = this.bots();

    if (!prompt.trim()) {
      const lines = bots.map((b) => `- ${escapeMarkdown(this.displayName(b))}${b.id === current.id ? ` ${vscode.l10n.t('(this chat)')}` : ''}`);
      stream.markdown(`${vscode.l10n.t('This chat asks {0}. Pick another bot below, or type /bot and a bot’s name or id.', escapeMarkdown(this.displayName(current)))}\n\n${lines.join('\n')}\n`);
      stream.button({ command: 'askCoze.selectBot', title: vscode.l10n.t('Select Bot from Coze…') });
      const choices = bots
        .filter((b) => b.id !== current.id)
        .slice(0, MAX_BOT_CHOICES)
        .map((b) => ({ prompt: this.displayName(b), label: this.displayName(b) }));
      return { metadata: { ...carried, botChoices: choices } };
    }

    const picked = findBot(bots, prompt);
    if (!picked) {
      return {
        errorDetails: { message: vscode.l10n.t('No bot “{0}” among the chat’s bots (askCoze.bots). Type /bot to see them, or give a bot id.', prompt.trim()) },
        metadata: carried,
      };
    }
    const name = escapeMarkdown(this.displayName(picked));
    if (picked.id === current.id) {
      stream.markdown(vscode.l10n.t('This chat already asks {0}.', name));
    } else {
      this.deps.log.info(`Chat view: this session asks bot ${picked.id} from now on.`);
      stream.markdown(vscode.l10n.t('From now on this chat asks {0}, in a new Coze conversation.', name));
    }
    return { metadata: { ...carried, pickedBotKey: picked.id } };
  }
}
