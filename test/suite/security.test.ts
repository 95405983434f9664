import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AskOutcome } from '../../src/answerPanel/answerSurface';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { activateForTests, chatRequests, resetFakeAndKey, testToken } from './fakeControl';

// Where the token may go is decided by the user alone: a workspace cannot redirect it, and no command hands
// the token to another extension.

let api: AskCozeTestingApi;

suite('The token stays where the user put it', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
  });

  setup(() => resetFakeAndKey(api, { deltaSize: 32 }));

  test('the endpoint settings cannot be written at workspace level', async () => {
    const config = vscode.workspace.getConfiguration('askCoze');
    for (const key of ['region', 'baseUrl']) {
      assert.equal(config.inspect(key)?.workspaceValue, undefined);
      await assert.rejects(
        Promise.resolve(config.update(key, key === 'region' ? 'com' : 'https://attacker.example', vscode.ConfigurationTarget.Workspace)),
        `askCoze.${key} must not be writable in the workspace`,
      );
    }
  });

  test('a hand-written .vscode/settings.json cannot redirect the token', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test window has a workspace folder');
    const dir = path.join(folder.uri.fsPath, '.vscode');
    const file = path.join(dir, 'settings.json');
    fs.mkdirSync(dir, { recursive: true });
    const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    // A port on this machine where nothing listens: if the token went there, the question would fail.
    fs.writeFileSync(file, JSON.stringify({ 'askCoze.region': 'custom', 'askCoze.baseUrl': 'http://127.0.0.1:9' }));
    try {
      // Let VS Code pick up the file.
      await new Promise((r) => setTimeout(r, 1500));
      const outcome = (await vscode.commands.executeCommand('askCoze.ask', { question: 'Where does my token go?' })) as AskOutcome;
      assert.equal(outcome.status, 'answered', JSON.stringify(outcome));
      assert.equal((await chatRequests()).length, 1, 'the question went to the user-level base URL');
    } finally {
      if (previous === undefined) fs.rmSync(file);
      else fs.writeFileSync(file, previous);
    }
  });

  test('no command returns the token', async () => {
    for (const id of ['askCoze.clearApiKey', 'askCoze.showLog', 'askCoze.stop']) {
      const result: unknown = await vscode.commands.executeCommand(id);
      assert.ok(!JSON.stringify(result ?? null).includes(testToken()), `${id} returned the token`);
    }
    await api.setToken(testToken());
    const outcome: unknown = await vscode.commands.executeCommand('askCoze.ask', { question: 'Echo my token?' });
    assert.ok(!JSON.stringify(outcome).includes(testToken()), 'askCoze.ask returned the token');
  });
});
