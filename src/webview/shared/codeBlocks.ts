import { button, flash } from './dom';

// The toolbar of a rendered code block (language, Copy, Apply, and in the chat Insert at cursor), shared by the
// answer panel and the chat. The actions go to the host as validated messages; the webview itself never touches the
// clipboard or an editor.

export interface CodeBlockStrings {
  copyCode: string;
  copied: string;
  insertCode?: string;
  inserted?: string;
  /** Apply: its label, and its tooltip (the host shows a diff to accept or discard). */
  applyCode?: string;
  applyCodeHint?: string;
}

export interface CodeBlockActions {
  copy(code: string): void;
  /** Present only where the host can insert into an editor (the chat). */
  insert?(code: string): void;
  /** Present where the answer's code can be applied to a file as a diff (the answers, not the reasoning). */
  apply?(code: string): void;
}

/** Adds a toolbar to every not yet decorated div.code-block under `root`. */
export function decorateCodeBlocks(root: ParentNode, strings: CodeBlockStrings, actions: CodeBlockActions): void {
  for (const block of root.querySelectorAll<HTMLDivElement>('div.code-block:not([data-decorated])')) {
    decorateCodeBlock(block, strings, actions);
  }
}

export function decorateCodeBlock(block: HTMLElement, strings: CodeBlockStrings, actions: CodeBlockActions): void {
  block.dataset.decorated = '';
  const code = () => block.querySelector('code')?.textContent ?? '';
  const bar = document.createElement('div');
  bar.className = 'code-toolbar';
  const lang = document.createElement('span');
  lang.className = 'code-lang';
  lang.textContent = block.dataset.lang ?? '';
  bar.append(lang);
  const buttons = document.createElement('span');
  buttons.className = 'code-actions';
  const copy = button(strings.copyCode, 'link-button', () => {
    actions.copy(code());
    flash(copy, strings.copyCode, strings.copied);
  });
  copy.setAttribute('aria-label', `${strings.copyCode} ${block.dataset.lang ?? ''}`.trim());
  buttons.append(copy);
  const insert = actions.insert;
  if (insert && strings.insertCode) {
    const label = strings.insertCode;
    const ins = button(label, 'link-button', () => {
      insert(code());
      flash(ins, label, strings.inserted ?? label);
    });
    ins.classList.add('insert-code');
    buttons.append(ins);
  }
  const apply = actions.apply;
  if (apply && strings.applyCode) {
    // Nothing is written from here: the host opens a diff, and the file changes only when the user accepts it.
    const applyButton = button(strings.applyCode, 'link-button apply-code', () => apply(code()), strings.applyCodeHint);
    applyButton.setAttribute('aria-label', `${strings.applyCode} ${block.dataset.lang ?? ''}`.trim());
    buttons.append(applyButton);
  }
  bar.append(buttons);
  block.prepend(bar);
}
