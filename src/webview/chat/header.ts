import type { ChatViewState, ChatViewStrings } from '../../protocol';
import { el } from '../shared/dom';

// The chat's header: the conversation's title, and the bot picker when there is more than one bot to pick.

export class ChatHeader {
  readonly element = el('header', 'chat-header');
  private readonly title = el('h1', 'chat-title');
  private readonly botLabel = el('label', 'bot-picker');
  private readonly botSelect = el('select', 'bot-select');

  constructor(
    private readonly t: ChatViewStrings,
    selectBot: (botId: string) => void,
  ) {
    this.botLabel.append(el('span', 'bot-picker-label', t.botLabel), this.botSelect);
    this.element.append(this.title, this.botLabel);
    this.botSelect.addEventListener('change', () => selectBot(this.botSelect.value));
  }

  update(state: ChatViewState): void {
    this.title.textContent = state.title || this.t.untitled;
    this.title.title = state.title;
    this.botSelect.replaceChildren(
      ...state.bots.map((bot) => {
        const option = el('option', undefined, bot.name);
        option.value = bot.id;
        option.title = bot.id;
        return option;
      }),
    );
    this.botSelect.value = state.botId;
    this.botLabel.hidden = state.bots.length < 2;
  }
}
