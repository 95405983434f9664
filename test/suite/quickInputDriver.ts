import * as vscode from 'vscode';
import type { AskCozeTestingApi, QuickInputSnapshot } from '../../src/testingApi';
import { waitFor } from './fakeControl';

// Shared by the in-host suites that answer Ask Coze's input boxes and pickers with VS Code's own commands, as a
// keyboard would (Enter, Escape), rather than by resolving the box from inside.

/**
 * Runs VS Code's `command` on the quick input `box` (accept: Enter; close: Escape) until that box is gone. A box
 * just shown may not take the command yet, so it is sent again, but only while `box` is still the one shown: it
 * can never reach the box that follows.
 */
export async function pressUntilGone(
  api: AskCozeTestingApi,
  box: QuickInputSnapshot,
  command: 'workbench.action.acceptSelectedQuickOpenItem' | 'workbench.action.closeQuickOpen',
): Promise<void> {
  let sentAt = 0;
  await waitFor(`${command} on "${box.title}"`, async () => {
    if (api.quickInput()?.id !== box.id) return true;
    if (Date.now() - sentAt > 1000) {
      sentAt = Date.now();
      await vscode.commands.executeCommand(command);
    }
    return undefined;
  });
}
