import type { ChatViewState, ChatViewStrings } from '../../protocol';
import { button, el } from '../shared/dom';

// The chat's header: the conversation's title; the bot it talks to, by name (a menu when askCoze.bots offers more
// than one); and a button that runs Coze: Select Bot, which lists the workspaces and bots on Coze.

export class ChatHeader {
  readonly element = el('header', 'chat-header');
  private readonly title = el('h1', 'chat-title');
  private readonly botPicker = el('div', 'bot-picker');
  private readonly botSelect = el('select', 'bot-select');
  /** The bot's name when there is nothing to choose between here. */
  private readonly botName = el('span', 'bot-name');
  private readonly selectBotButton: HTMLButtonElement;

  constructor(
    private readonly t: ChatViewStrings,
    selectBot: (botId: string) => void,
    openBotPicker: () => void,
  ) {
    this.botSelect.setAttribute('aria-label', t.botLabel);
    this.selectBotButton = button('', 'select-bot icon-button', () => openBotPicker(), t.selectBot);
    // Stable handles for the browser tests and screen readers: the button has no text of its own, only the icon.
    this.selectBotButton.id = 'select-bot';
    this.selectBotButton.setAttribute('aria-label', t.selectBot);
    this.selectBotButton.append(botIcon());
    this.botPicker.append(el('span', 'bot-picker-label', t.botLabel), this.botSelect, this.botName, this.selectBotButton);
    this.element.append(this.title, this.botPicker);
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
    const several = state.bots.length >= 2;
    this.botSelect.hidden = !several;
    const current = state.bots.find((bot) => bot.id === state.botId);
    this.botName.hidden = several || !current;
    this.botName.textContent = current?.name ?? '';
    this.botName.title = current?.id ?? '';
  }
}

/** A small robot head (like the status bar's $(hubot)), drawn inline: the webview loads no icon font or image. */
function botIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const shape = (tag: string, attrs: Record<string, string>) => {
    const node = document.createElementNS(ns, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    svg.append(node);
  };
  shape('rect', { x: '2.5', y: '5.5', width: '11', height: '8', rx: '2', fill: 'none', stroke: 'currentColor' });
  shape('path', { d: 'M8 5.5V3M6.5 2.5h3', fill: 'none', stroke: 'currentColor', 'stroke-linecap': 'round' });
  shape('circle', { cx: '6', cy: '9.5', r: '1', fill: 'currentColor' });
  shape('circle', { cx: '10', cy: '9.5', r: '1', fill: 'currentColor' });
  return svg;
}
