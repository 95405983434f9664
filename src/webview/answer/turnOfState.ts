import type { AnswerViewState, AnswerViewStrings } from '../../protocol';
import { format } from '../shared/dom';
import type { Turn, TurnStatus } from '../shared/turn';

// The answer panel's state, in the turn renderer's terms. The one place where the panel's phase becomes a
// turn status: the protocol keeps both spellings ('canceled' here, 'stopped' in the chat).

const STATUS_OF_PHASE: Record<AnswerViewState['phase'], TurnStatus> = {
  waiting: 'waiting',
  streaming: 'streaming',
  done: 'done',
  failed: 'failed',
  canceled: 'stopped',
};

export function turnOfState(state: AnswerViewState, t: AnswerViewStrings): Turn {
  return {
    question: state.question,
    answer: state.text,
    status: STATUS_OF_PHASE[state.phase],
    statusText: state.statusText,
    error: state.error,
    followUps: state.followUps,
    // The host names the bot (src/bots/botNames.ts); a bare id only for a state saved before names were kept.
    botLabel: state.botName ?? (state.botId ? format(t.bot, state.botId) : ''),
    usage: state.usage,
    elapsedMs: state.elapsedMs,
    reasoning: state.reasoning,
    reasoningMs: state.reasoningMs,
    // false under a failure only a new key fixes: its fixes (Set API Key…) are shown instead (the host decides).
    canRetry: state.canRetry,
    // A workflow run: its output node by node, and the workflow named where a bot would be.
    ...(state.workflow ? { sections: state.workflow.nodes, botLabel: format(t.workflow, state.workflow.name) } : {}),
  };
}
