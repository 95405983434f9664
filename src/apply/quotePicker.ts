import * as vscode from 'vscode';
import { nextQuickInputId, type ShownQuickInput } from '../shownQuickInput';
import type { ApplySource } from './applySource';
import { firstCodeLine } from './likelyQuote';
import { quoteLabel } from './quotedCode';

// The picker Apply shows when the question quoted several pieces of code (codeApplier.ts): one row per piece,
// in the question's order, `path:lines` over its first line of code, the likeliest piece preselected (Enter
// takes it). Built with createQuickPick rather than showQuickPick so that, under the in-host tests, the
// observer sees the rows (src/testingApi.ts); Escape resolves undefined.

/** Why a piece cannot be applied as quoted (shown on its row): its file is not found, or the code is not in it. */
export type Missing = 'file' | 'code';

export interface PickerRow {
  source: ApplySource;
  missing?: Missing;
}

/** `$(name)` in a file name or in code is not an icon: escaped as VS Code's labels expect. */
function noIcons(text: string): string {
  return text.replace(/(\\)?\$\(/g, (match, escaped: string | undefined) => (escaped ? match : '\\$('));
}

/** The row picked, or undefined when the picker was closed (Escape). `likeliest` is an index of `rows`. */
export function pickQuote(
  rows: readonly PickerRow[],
  likeliest: number,
  observe?: (shown: ShownQuickInput, open: boolean) => void,
): Promise<PickerRow | undefined> {
  type Item = vscode.QuickPickItem & { row: PickerRow };
  const items: Item[] = rows.map((row, index) => ({
    label: noIcons(quoteLabel(row.source.quote)),
    description:
      row.missing === 'file'
        ? vscode.l10n.t('file not found')
        : row.missing === 'code'
          ? vscode.l10n.t('no longer in the file')
          : index === likeliest
            ? vscode.l10n.t('most likely')
            : undefined,
    detail: noIcons(firstCodeLine(row.source.quote.code)),
    row,
  }));
  const box = vscode.window.createQuickPick<Item>();
  box.title = vscode.l10n.t('Apply the code in place of…');
  box.placeholder = vscode.l10n.t('The question quoted several pieces of code: which one does this code replace?');
  box.matchOnDescription = true;
  box.matchOnDetail = true;
  box.items = items;
  const preselected = items[likeliest];
  if (preselected) box.activeItems = [preselected];
  const shown = { id: nextQuickInputId(), kind: 'pick', box } as ShownQuickInput;
  return new Promise((resolve) => {
    let picked: PickerRow | undefined;
    const listeners = [
      box.onDidAccept(() => {
        const item = box.selectedItems[0] ?? box.activeItems[0];
        if (!item) return;
        picked = item.row;
        box.hide();
      }),
      box.onDidHide(() => {
        for (const listener of listeners) listener.dispose();
        observe?.(shown, false);
        box.dispose();
        resolve(picked);
      }),
    ];
    box.show();
    observe?.(shown, true);
  });
}
