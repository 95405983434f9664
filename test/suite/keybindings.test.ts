import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateForTests, waitFor } from './fakeControl';

// Our keybindings must not take a key that VS Code, or an extension shipped with it (Copilot Chat is built in
// since 1.116), already uses where ours applies: extension keybindings win over VS Code's defaults, so a clash
// silently takes a feature away from the user. Read from the default keybindings VS Code itself lists, which
// include every contributed one, on each VS Code version the suite runs on.

interface Binding {
  key: string;
  command: string;
  when?: string;
}

/** Normalises "Ctrl+Alt+K" and "alt+ctrl+k" alike: modifiers sorted, lower case. */
function normalise(key: string): string {
  return key
    .toLowerCase()
    .split(' ')
    .map((chord) => chord.split('+').sort().join('+'))
    .join(' ');
}

async function defaultKeybindings(): Promise<Binding[]> {
  await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
  const doc = await waitFor('the default keybindings', () => {
    const d = vscode.window.activeTextEditor?.document;
    return d && d.uri.scheme !== 'file' && /keybindings/i.test(d.uri.path) && d.getText().includes('"command"') ? d : undefined;
  }, 20_000);
  // The file is JSON with whole-line // comments (VS Code writes it that way).
  const json = doc.getText().split('\n').filter((line) => !/^\s*\/\//.test(line)).join('\n');
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  return JSON.parse(json) as Binding[];
}

suite('Keybindings', function () {
  this.timeout(60_000);

  test(`ours do not take a key VS Code ${vscode.version} uses in the editor`, async () => {
    await activateForTests();
    const ext = vscode.extensions.all.find((e) => e.id === 'ask-coze.ask-coze');
    assert.ok(ext, 'the extension is installed');
    const ours = (ext.packageJSON.contributes.keybindings as Array<Binding & { mac?: string }>) ?? [];
    assert.ok(ours.length > 0);
    const all = await defaultKeybindings();
    assert.ok(all.length > 100, `VS Code lists its keybindings (${all.length})`);
    const listed = all.filter((b) => b.command.startsWith('askCoze.'));
    assert.ok(listed.length >= ours.length, 'the list includes contributed keybindings (ours among them)');
    for (const mine of ours) {
      // Bindings for the editor, and those with no context at all (they apply everywhere).
      const clashes = all.filter(
        (b) =>
          !b.command.startsWith('askCoze.') &&
          !b.command.startsWith('-') &&
          normalise(b.key) === normalise(mine.key) &&
          (!b.when || /editor|textInputFocus/i.test(b.when)),
      );
      assert.deepEqual(clashes, [], `${mine.key} (${mine.command}) is also ${JSON.stringify(clashes)}`);
    }
  });
});
