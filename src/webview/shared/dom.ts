// Small DOM helpers shared by both webviews.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A plain button (type=button, so that one inside a form never submits it). */
export function button(label: string, className: string, onClick?: (event: MouseEvent) => void, title?: string): HTMLButtonElement {
  const b = el('button', className, label);
  b.type = 'button';
  if (title) b.title = title;
  if (onClick) b.addEventListener('click', onClick);
  return b;
}

/** Briefly swaps a button's label to confirm an action ("Copied"). */
export function flash(target: HTMLButtonElement, label: string, confirmation: string): void {
  target.textContent = confirmation;
  setTimeout(() => (target.textContent = label), 1200);
}

/** Fills {0}, {1}… the way vscode.l10n.t does. */
export function format(template: string, ...args: Array<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''));
}

/** "3 minutes ago", "yesterday"… in the page's language (the host sets <html lang> to VS Code's). */
export function relativeTime(epochMs: number, now = Date.now()): string {
  const lang = document.documentElement.lang || undefined;
  let format: Intl.RelativeTimeFormat;
  try {
    format = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  } catch {
    format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  }
  const seconds = Math.round((epochMs - now) / 1000);
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['year', 365 * 86400],
    ['month', 30 * 86400],
    ['week', 7 * 86400],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, 'second');
}
