import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatTurnView, ChatViewState } from '../../src/protocol';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { askInChat } from './chatDriver';
import { activateForTests, configure, fake, resetFakeAndKey, waitFor } from './fakeControl';

// The composer's attachments survive a window reload, as the draft does, in a real extension host against the
// fake Coze server. The suite cannot reload the window it runs in, so `reloadAttachments` does what a new
// extension host does: it forgets the chips held in memory and takes back what was kept (workspaceState, and
// copies of pasted bytes in the extension's storage). A file from disk comes back by its URI and is uploaded
// with the bytes on disk; a pasted image comes back from its copy, with the bytes pasted; a file deleted in
// between is dropped with a message naming it; the copies go once the chips are sent or removed.

let api: AskCozeTestingApi;
let dir: string;

const state = (): ChatViewState => api.chat.state();
const chips = () => state().attachments.map(({ id, name, bytes, kind }) => ({ id, name, bytes, kind }));
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const NOTES = '# Release notes\nThe secret word is pelican-42.\n';

function writeFile(name: string, data: string | Uint8Array): vscode.Uri {
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return vscode.Uri.file(file);
}

/** The copies of pasted bytes kept for a reload. */
function keptCopies(): string[] {
  const folder = api.chat.keptAttachmentsDir();
  return fs.existsSync(folder) ? fs.readdirSync(folder) : [];
}

async function attach(uri: vscode.Uri): Promise<void> {
  const before = state().attachments.length;
  await vscode.commands.executeCommand('askCoze.askAboutFile', uri);
  await waitFor(`the chip of ${path.basename(uri.fsPath)}`, () => state().attachments.length > before || undefined);
}

async function paste(id: string, name: string, data: Uint8Array): Promise<void> {
  api.chat.send({ type: 'attachData', id, name, mime: 'image/png', data: new Uint8Array(data) });
  await waitFor(`the pasted chip ${id}`, () => state().attachments.some((a) => a.id === id) || undefined);
}

/** Sends what the composer shows, as its Send button does, and waits for the turn to end. */
const sendWithChips = (text: string): Promise<ChatTurnView> => askInChat(api, text, state().attachments.map((a) => a.id));

async function removeAllChips(): Promise<void> {
  for (const chip of state().attachments) api.chat.send({ type: 'removeAttachment', id: chip.id });
  await waitFor('no chips', () => state().attachments.length === 0 || undefined);
}

/** The notifications that name `what` (names are unique in this suite: the recorder keeps only the last 50). */
const notices = (what: string) => api.notifications().filter((n) => n.message.includes(what)).map((n) => n.message);

suite('Pending attachments across a reload', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({ bots: [] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-kept-'));
  });

  setup(async () => {
    await resetFakeAndKey(api);
    await removeAllChips();
    api.chat.send({ type: 'newChat' });
    await waitFor('a new chat', () => state().turns.length === 0 || undefined);
  });

  teardown(async () => {
    await api.chat.whenIdle();
    await removeAllChips();
    await api.chat.reloadAttachments(); // nothing left kept for the suites after this one
  });

  suiteTeardown(async () => {
    await configure({ bots: undefined });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a file from disk and a pasted image come back after a reload, and sending uploads the same bytes', async () => {
    await attach(writeFile('notes.md', NOTES));
    await paste('pastedKept1', 'shot.png', PNG);
    const before = chips();
    assert.deepEqual(before.map((c) => c.name), ['notes.md', 'shot.png']);

    await api.chat.reloadAttachments();
    assert.deepEqual(chips(), before, 'the same chips, in the same order, with the same ids');
    assert.equal(keptCopies().length, 1, 'the pasted bytes are kept in one copy');
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('askCoze')).includes(dir), 'nothing of it in the settings');

    // A second reload (VS Code restarted twice) brings back the same again.
    await api.chat.reloadAttachments();
    assert.deepEqual(chips(), before);

    const turn = await sendWithChips('What is in these?');
    assert.equal(turn.status, 'done', JSON.stringify(turn.error));
    const files = await fake.files();
    assert.deepEqual(files.map((f) => [f.name, f.bytes, f.sha256]), [
      ['notes.md', Buffer.byteLength(NOTES), sha256(Buffer.from(NOTES))],
      ['shot.png', PNG.length, sha256(PNG)],
    ]);
    await waitFor('the copy deleted once uploaded', () => keptCopies().length === 0 || undefined);

    // Sent: nothing comes back after the next reload.
    await api.chat.reloadAttachments();
    assert.deepEqual(chips(), []);

    // The history still keeps id/name/size/type and Coze's id only.
    const file = path.join(api.chat.storeDir(), 'conversations', `${state().conversationId}.json`);
    await waitFor('the saved conversation', () => (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(files[1]!.id)) || undefined);
    const saved = fs.readFileSync(file, 'utf8');
    const stored = (JSON.parse(saved) as { turns: Array<{ attachments: Array<Record<string, unknown>> }> }).turns.at(-1)!.attachments;
    for (const a of stored) assert.deepEqual(Object.keys(a).sort(), ['bytes', 'fileId', 'id', 'name', 'type']);
    assert.ok(!saved.includes(dir) && !saved.includes(api.chat.keptAttachmentsDir()), 'no paths in the history');
  });

  test('a file deleted before the reload is dropped with a message naming it; the others come back', async () => {
    const gone = writeFile('gone-soon.md', NOTES);
    await attach(gone);
    await attach(writeFile('stays.md', 'still here\n'));
    await attach(writeFile('emptied.txt', 'text for now\n'));
    fs.rmSync(gone.fsPath);
    fs.writeFileSync(path.join(dir, 'emptied.txt'), '');
    assert.deepEqual(notices('gone-soon.md'), []);

    await api.chat.reloadAttachments();
    assert.deepEqual(chips().map((c) => c.name), ['stays.md']);
    const told = notices('gone-soon.md');
    assert.equal(told.length, 1, 'one message');
    assert.ok(told[0]!.includes('gone-soon.md was attached to the next question but no longer exists: it was removed.'), told[0]);
    assert.match(told[0]!, /emptied\.txt is empty: Coze does not accept empty files\. It was removed from the next question\./, 'one message for both');

    // Told once: the next reload has nothing more to say, and the file left still uploads.
    await api.chat.reloadAttachments();
    assert.deepEqual(chips().map((c) => c.name), ['stays.md']);
    assert.equal(notices('gone-soon.md').length, 1);
    const turn = await sendWithChips('And this one?');
    assert.equal(turn.status, 'done', JSON.stringify(turn.error));
    assert.deepEqual((await fake.files()).map((f) => [f.name, f.sha256]), [['stays.md', sha256(Buffer.from('still here\n'))]]);
  });

  test('a file that changed before the reload comes back with its new size and is uploaded as it is now', async () => {
    const notes = writeFile('grows.md', 'short\n');
    await attach(notes);
    fs.writeFileSync(notes.fsPath, NOTES);
    await api.chat.reloadAttachments();
    assert.deepEqual(chips().map((c) => [c.name, c.bytes]), [['grows.md', Buffer.byteLength(NOTES)]]);
    await sendWithChips('Read it');
    assert.deepEqual((await fake.files()).map((f) => f.sha256), [sha256(Buffer.from(NOTES))]);
  });

  test('a removed chip does not come back, and its copy is deleted', async () => {
    await paste('pastedGone1', 'drop-me.png', PNG);
    await paste('pastedKept2', 'keep-me.png', PNG);
    await waitFor('two copies', () => keptCopies().length === 2 || undefined);
    api.chat.send({ type: 'removeAttachment', id: 'pastedGone1' });
    await waitFor('one chip', () => state().attachments.length === 1 || undefined);
    await waitFor('one copy', () => keptCopies().length === 1 || undefined);

    await api.chat.reloadAttachments();
    assert.deepEqual(chips().map((c) => c.id), ['pastedKept2']);
    await removeAllChips();
    await waitFor('no copies', () => keptCopies().length === 0 || undefined);
    await api.chat.reloadAttachments();
    assert.deepEqual(chips(), []);
  });

  test('a pasted image whose copy is gone is dropped with a message naming it', async () => {
    await paste('pastedLost1', 'lost-shot.png', PNG);
    await waitFor('the copy', () => keptCopies().length === 1 || undefined);
    for (const file of keptCopies()) fs.rmSync(path.join(api.chat.keptAttachmentsDir(), file));
    await api.chat.reloadAttachments();
    assert.deepEqual(chips(), []);
    assert.match(notices('lost-shot.png').join('\n'), /lost-shot\.png was pasted before VS Code reloaded and could not be kept: paste it again\./);
  });
});
