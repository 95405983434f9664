import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatTurnView, ChatViewState } from '../../src/protocol';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { MAX_UPLOAD_BYTES } from '../../src/uploadLimits';
import { askInChat } from './chatDriver';
import { activateForTests, configure, fake, resetFakeAndKey, waitFor } from './fakeControl';

// Files attached to a chat question inside a real extension host, against the fake Coze server: a file from the
// active editor and one from the explorer's command go up (POST /v1/files/upload) with the very bytes on disk
// and come back as one object_string message with the question; the history keeps the file ids, never the
// bytes; what Coze would refuse is refused before any request; a failed upload keeps the question and the
// chips; Stop during an upload cancels it; a Retry reuses what is uploaded.

let api: AskCozeTestingApi;
let dir: string;

const state = (): ChatViewState => api.chat.state();
const lastTurn = (): ChatTurnView | undefined => state().turns.at(-1);

/** GET /__fake/chats also gives each chat's content items (test/fake-coze/chats.ts), which fake.chats() does not type. */
interface FakeChat {
  id: string;
  contentItems?: Array<{ type: string; text?: string; file_id?: string }>;
}
const fakeChats = async () => (await fake.chats()) as FakeChat[];
const requestsTo = async (endpoint: string) => (await fake.requests()).filter((r) => (r.endpoint as string) === endpoint);
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const NOTES = '# Release notes\nThe secret word is pelican-42.\n';

function writeFile(name: string, data: string | Uint8Array): vscode.Uri {
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return vscode.Uri.file(file);
}

async function openInEditor(uri: vscode.Uri): Promise<void> {
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}

/** Sends what the composer shows, as its Send button does, and waits for the turn to end. */
const sendWithChips = (text: string): Promise<ChatTurnView> => askInChat(api, text, state().attachments.map((a) => a.id));

const chipNames = () => state().attachments.map((a) => a.name);
/** The latest notification that names `what` (names are unique in this suite: the recorder keeps only the last 50). */
const notice = (what: string) => [...api.notifications()].reverse().find((n) => n.message.includes(what))?.message;
const uploadsAndQuestions = async () => (await fake.requests()).filter((r) => ['upload', 'chat'].includes(r.endpoint as string));

suite('Attachments', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({ bots: [] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-attach-'));
  });

  setup(async () => {
    await resetFakeAndKey(api);
    for (const chip of state().attachments) api.chat.send({ type: 'removeAttachment', id: chip.id });
    api.chat.send({ type: 'newChat' });
    await waitFor('a new chat without attachments', () => (state().turns.length === 0 && state().attachments.length === 0) || undefined);
  });

  suiteTeardown(async () => {
    await configure({ bots: undefined });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('contributes the attach commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['askCoze.attachActiveFile', 'askCoze.askAboutFile']) assert.ok(commands.includes(id), `${id} is not registered`);
  });

  test('the current file and a file from the explorer go to Coze with the question: same bytes, one object_string message, ids in the history', async () => {
    const notes = writeFile('notes.md', NOTES);
    const diagram = writeFile('diagram.png', PNG);
    await openInEditor(notes);
    await vscode.commands.executeCommand('askCoze.attachActiveFile');
    await vscode.commands.executeCommand('askCoze.askAboutFile', diagram, [diagram]);
    await waitFor('two chips', () => state().attachments.length === 2 || undefined);
    assert.deepEqual(
      state().attachments.map(({ name, bytes, size, kind }) => ({ name, bytes, size, kind })),
      [
        { name: 'notes.md', bytes: Buffer.byteLength(NOTES), size: `${Buffer.byteLength(NOTES)} B`, kind: 'file' },
        { name: 'diagram.png', bytes: PNG.length, size: `${PNG.length} B`, kind: 'image' },
      ],
    );
    assert.deepEqual(await uploadsAndQuestions(), [], 'attaching sends nothing');

    const turn = await sendWithChips('What is in these files?');
    assert.equal(turn.status, 'done', JSON.stringify(turn.error));
    assert.deepEqual(state().attachments, [], 'the chips went with the question');
    assert.deepEqual(turn.attachments?.map((a) => [a.name, a.kind]), [['notes.md', 'file'], ['diagram.png', 'image']], 'the sent turn shows its files');

    const files = await fake.files();
    assert.deepEqual(files.map((f) => [f.name, f.bytes, f.sha256]), [
      ['notes.md', Buffer.byteLength(NOTES), sha256(Buffer.from(NOTES))],
      ['diagram.png', PNG.length, sha256(PNG)],
    ]);
    const chat = (await fakeChats()).at(-1)!;
    assert.deepEqual(chat.contentItems, [
      { type: 'text', text: 'What is in these files?' },
      { type: 'file', file_id: files[0]!.id },
      { type: 'image', file_id: files[1]!.id },
    ]);
    const body = (await requestsTo('chat')).at(-1)!.body as { additional_messages: Array<{ role: string; content_type: string; content: unknown }> };
    assert.equal(body.additional_messages.length, 1, 'one user message');
    assert.equal(body.additional_messages[0]!.content_type, 'object_string');
    assert.equal(typeof body.additional_messages[0]!.content, 'string', 'the content is a JSON string, not an array');

    // The history keeps the ids, names and sizes, never the bytes.
    const file = path.join(api.chat.storeDir(), 'conversations', `${state().conversationId}.json`);
    await waitFor('the saved conversation with the file ids', () => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(files[1]!.id) || undefined);
    const saved = fs.readFileSync(file, 'utf8');
    const stored = (JSON.parse(saved) as { turns: Array<{ attachments?: unknown[] }> }).turns.at(-1)!.attachments;
    assert.deepEqual(
      (stored as Array<{ name: string; bytes: number; type: string; fileId: string }>).map(({ name, bytes, type, fileId }) => ({ name, bytes, type, fileId })),
      [
        { name: 'notes.md', bytes: Buffer.byteLength(NOTES), type: 'file', fileId: files[0]!.id },
        { name: 'diagram.png', bytes: PNG.length, type: 'image', fileId: files[1]!.id },
      ],
    );
    assert.ok(!saved.includes('pelican-42') && !saved.includes(PNG.toString('base64')), 'no file contents in the history');
    assert.ok(!api.logLines().some((l) => l.includes('pelican-42')), 'no file contents in the log');
    assert.ok(api.logLines().some((l) => l.includes('notes.md')), 'the log names the files');
  });

  test('a pasted image is checked and sent as an image item; bytes that only claim to be an image are refused', async () => {
    api.chat.send({ type: 'attachData', id: 'pastedFake1', name: 'fake-shot.png', mime: 'image/png', data: new TextEncoder().encode('<script>alert(1)</script>') });
    assert.match(await waitFor('the refusal', () => notice('fake-shot.png')), /not an image/);
    assert.deepEqual(state().attachments, []);

    api.chat.send({ type: 'attachData', id: 'pastedShot1', name: 'image.png', mime: 'image/png', data: new Uint8Array(PNG) });
    await waitFor('the pasted chip', () => state().attachments.length === 1 || undefined);
    assert.deepEqual(state().attachments[0], { id: 'pastedShot1', name: 'image.png', bytes: PNG.length, size: `${PNG.length} B`, kind: 'image' });

    const turn = await sendWithChips('What does this screenshot show?');
    assert.equal(turn.status, 'done', JSON.stringify(turn.error));
    const [uploaded] = await fake.files();
    assert.equal(uploaded?.sha256, sha256(PNG), 'the bytes pasted are the bytes uploaded');
    assert.deepEqual((await fakeChats()).at(-1)!.contentItems?.[1], { type: 'image', file_id: uploaded.id });
  });

  test('what Coze would refuse is refused before any request: too large, empty, a folder, more than 10 files', async () => {
    const huge = path.join(dir, 'huge.bin');
    fs.closeSync(fs.openSync(huge, 'w'));
    fs.truncateSync(huge, MAX_UPLOAD_BYTES + 1); // sparse: nothing is written or read
    const empty = writeFile('empty.txt', '');
    const folder = vscode.Uri.file(fs.mkdtempSync(path.join(dir, 'folder-')));

    await vscode.commands.executeCommand('askCoze.askAboutFile', vscode.Uri.file(huge));
    assert.match(await waitFor('the size refusal', () => notice('huge.bin')), /too large \(512 MB\).*512 MB/);
    await vscode.commands.executeCommand('askCoze.askAboutFile', empty);
    assert.match(await waitFor('the empty refusal', () => notice('empty.txt')), /is empty/);
    await vscode.commands.executeCommand('askCoze.askAboutFile', folder);
    assert.match(await waitFor('the folder refusal', () => notice(path.basename(folder.fsPath))), /is a folder/);
    assert.deepEqual(state().attachments, []);

    const eleven = Array.from({ length: 11 }, (_, i) => writeFile(`part-${i}.txt`, `part ${i}\n`));
    await vscode.commands.executeCommand('askCoze.askAboutFile', eleven[0], eleven);
    assert.match(await waitFor('the count refusal', () => notice('part-10.txt')), /At most 10 files/);
    assert.equal(state().attachments.length, 10);

    assert.deepEqual(await uploadsAndQuestions(), [], 'nothing was sent to Coze');
  });

  test('a failed upload fails the turn with code and logid, and gives back the question and the chips; Retry uploads and asks', async () => {
    const notes = writeFile('notes.md', NOTES);
    await vscode.commands.executeCommand('askCoze.askAboutFile', notes);
    await waitFor('the chip', () => state().attachments.length === 1 || undefined);
    await fake.fault({ endpoint: 'upload', kind: 'http', status: 200, body: { code: 4000, msg: 'invalid parameter' } });
    const returned = api.chat.returnedInputs().length;

    const failed = await sendWithChips('Summarize this file');
    assert.equal(failed.status, 'failed');
    assert.match(failed.error?.message ?? '', /notes\.md/);
    assert.equal(failed.error?.code, 4000);
    assert.ok(failed.error?.logId, 'the logid is shown');
    assert.deepEqual(chipNames(), ['notes.md'], 'the chip is back in the composer');
    assert.deepEqual(api.chat.returnedInputs().slice(returned), ['Summarize this file'], 'the question is back in the input');
    assert.equal((await requestsTo('chat')).length, 0, 'the question did not go out without its file');

    api.chat.send({ type: 'retry', turnId: failed.id });
    const retried = await waitFor('the retried answer', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 30_000);
    await api.chat.whenIdle();
    assert.equal(state().turns.length, 1, 'retried in place');
    assert.equal(retried.attachments?.[0]?.name, 'notes.md');
    assert.deepEqual(state().attachments, [], 'the chips it gave back went with the retry');
    const [file] = await fake.files();
    assert.equal(file?.sha256, sha256(Buffer.from(NOTES)));
    assert.deepEqual((await fakeChats()).at(-1)!.contentItems?.[1], { type: 'file', file_id: file.id });
  });

  test('a Retry after the question failed reuses the file already uploaded', async () => {
    await vscode.commands.executeCommand('askCoze.askAboutFile', writeFile('notes.md', NOTES));
    await waitFor('the chip', () => state().attachments.length === 1 || undefined);
    await fake.fault({ endpoint: 'chat', kind: 'json-error-for-stream', code: 4000, msg: 'invalid parameter' });
    const failed = await sendWithChips('Summarize this file');
    assert.equal(failed.status, 'failed');
    assert.deepEqual(state().attachments, [], 'the upload worked: nothing comes back to the composer');

    api.chat.send({ type: 'retry', turnId: failed.id });
    await waitFor('the retried answer', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 30_000);
    await api.chat.whenIdle();
    assert.equal((await requestsTo('upload')).length, 1, 'uploaded once');
    const [file] = await fake.files();
    assert.deepEqual((await fakeChats()).at(-1)!.contentItems?.[1], { type: 'file', file_id: file!.id });
  });

  test('Stop during an upload cancels it; the status line says what is uploading', async () => {
    await vscode.commands.executeCommand('askCoze.askAboutFile', writeFile('slow.bin', Buffer.alloc(256 * 1024, 7)));
    await waitFor('the chip', () => state().attachments.length === 1 || undefined);
    await fake.behavior({ uploadStallMs: 30_000 });
    api.chat.send({ type: 'send', text: 'Read this', attachmentIds: state().attachments.map((a) => a.id) });
    await waitFor('the upload status', () => /^Uploading slow\.bin/.test(lastTurn()?.statusText ?? '') || undefined);
    api.chat.send({ type: 'stop' });
    await waitFor('the stopped turn', () => lastTurn()?.status === 'stopped' || undefined);
    await api.chat.whenIdle(10_000);
    assert.equal((await requestsTo('chat')).length, 0, 'no question went out');
    assert.deepEqual(await fake.files(), [], 'nothing was stored');
  });
});
