import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { activateForTests, assertNoToken, BOT_ID, chatAndChatflowRequests, configure, FAST_STREAM, fake, resetFakeAndKey, waitFor } from './fakeControl';

// @coze in VS Code's Chat and the #askCoze tool inside a real extension host, against the fake Coze server.
// VS Code's Chat view cannot send a request here: VS Code 1.100 in code-server has no default chat agent, and on
// newer versions the view's request path is not something a test can drive offline with certainty. So the
// handler is exercised through the API objects VS Code hands it — a ChatRequest, a ChatContext with the
// session's history, a ChatResponseStream (a recorder here) and a CancellationToken — and the tool through its
// own prepareInvocation/invoke (vscode.lm.invokeTool outside a chat request asks for the confirmation in a modal
// dialog, which a test cannot answer).

let api: AskCozeTestingApi;

type PartKind = 'markdown' | 'progress' | 'button' | 'reference' | 'anchor' | 'filetree' | 'push';

/** A ChatResponseStream that records what the handler sends, as VS Code's would render it. */
class RecordingStream implements vscode.ChatResponseStream {
  readonly parts: Array<{ kind: PartKind; value: unknown }> = [];
  markdown(value: string | vscode.MarkdownString): void {
    this.parts.push({ kind: 'markdown', value: typeof value === 'string' ? value : value.value });
  }
  anchor(value: vscode.Uri | vscode.Location): void {
    this.parts.push({ kind: 'anchor', value });
  }
  button(command: vscode.Command): void {
    this.parts.push({ kind: 'button', value: command });
  }
  filetree(value: vscode.ChatResponseFileTree[]): void {
    this.parts.push({ kind: 'filetree', value });
  }
  progress(value: string): void {
    this.parts.push({ kind: 'progress', value });
  }
  reference(value: vscode.Uri | vscode.Location): void {
    this.parts.push({ kind: 'reference', value });
  }
  push(part: vscode.ChatResponsePart): void {
    this.parts.push({ kind: 'push', value: part });
  }
  of<T>(kind: PartKind): T[] {
    return this.parts.filter((p) => p.kind === kind).map((p) => p.value as T);
  }
  get markdownText(): string {
    return this.of<string>('markdown').join('');
  }
}

interface Sent {
  result: vscode.ChatResult;
  stream: RecordingStream;
}

/** One chat session of VS Code's Chat: the history grows with every request, as VS Code's ChatContext does. */
class ChatSession {
  readonly history: Array<vscode.ChatRequestTurn | vscode.ChatResponseTurn> = [];

  /** Starts a request; `sent` resolves when the handler has returned. */
  start(prompt: string, opts: { command?: string; references?: vscode.ChatPromptReference[]; token?: vscode.CancellationToken } = {}): { stream: RecordingStream; sent: Promise<Sent> } {
    const stream = new RecordingStream();
    const request = {
      prompt,
      command: opts.command,
      references: opts.references ?? [],
      toolReferences: [],
      toolInvocationToken: undefined,
      model: undefined,
    } as unknown as vscode.ChatRequest;
    const context: vscode.ChatContext = { history: [...this.history] };
    const sent = (async () => {
      const result = (await api.participant.handle(request, context, stream, opts.token ?? new vscode.CancellationTokenSource().token)) ?? {};
      // ChatRequestTurn and ChatResponseTurn have private constructors: these are their public shapes.
      this.history.push({ prompt, command: opts.command, references: opts.references ?? [], participant: 'askCoze.coze', toolReferences: [] } as unknown as vscode.ChatRequestTurn);
      this.history.push({ response: [], result, participant: 'askCoze.coze', command: opts.command } as unknown as vscode.ChatResponseTurn);
      return { result, stream };
    })();
    return { stream, sent };
  }

  send(prompt: string, opts: { command?: string; references?: vscode.ChatPromptReference[] } = {}): Promise<Sent> {
    return this.start(prompt, opts).sent;
  }

  async followups(result: vscode.ChatResult): Promise<vscode.ChatFollowup[]> {
    return (await api.participant.followups.provideFollowups(result, { history: this.history }, new vscode.CancellationTokenSource().token)) ?? [];
  }
}

type ChatBody = { bot_id: string; additional_messages: Array<{ content: string }> };
const lastQuestion = (body: unknown): string => (body as ChatBody).additional_messages.at(-1)!.content;
const metadata = (result: vscode.ChatResult) => result.metadata as { cozeConversationId?: string; botKey?: string; pickedBotKey?: string } | undefined;

suite('Participant: @coze in VS Code’s Chat', function () {
  this.timeout(60_000);
  let dir: string;

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({ bots: [] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-participant-'));
  });

  // Small deltas: the answer must reach the response stream in several pieces.
  setup(() => resetFakeAndKey(api, { deltaSize: 8 }));

  suiteTeardown(async () => {
    await configure({ bots: undefined });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('contributes @coze and #askCoze, and registers them where VS Code has the API', async () => {
    const manifest = vscode.extensions.getExtension('ask-coze.ask-coze')!.packageJSON as {
      contributes: { chatParticipants: Array<Record<string, unknown>>; languageModelTools: Array<Record<string, unknown>> };
    };
    const participant = manifest.contributes.chatParticipants.find((p) => p.id === 'askCoze.coze');
    assert.ok(participant, 'the participant is contributed');
    assert.equal(participant.name, 'coze');
    assert.equal(participant.isSticky, true);
    assert.deepEqual((participant.commands as Array<{ name: string }>).map((c) => c.name), ['bot']);
    const tool = manifest.contributes.languageModelTools.find((t) => t.name === 'askCoze');
    assert.ok(tool, 'the tool is contributed');
    assert.equal(tool.toolReferenceName, 'askCoze');
    assert.equal(tool.canBeReferencedInPrompt, true);

    // Where the API exists (1.100 has both), the registration happened; where it does not, nothing threw.
    const chat = vscode.chat as Partial<typeof vscode.chat> | undefined;
    const lm = vscode.lm as Partial<typeof vscode.lm> | undefined;
    assert.equal(api.participant.registered.participant, typeof chat?.createChatParticipant === 'function');
    assert.equal(api.participant.registered.tool, typeof lm?.registerTool === 'function');
    if (lm?.tools) {
      const listed = await waitFor('#askCoze in vscode.lm.tools', () => vscode.lm.tools.find((t) => t.name === 'askCoze'));
      assert.match(listed.description, /Coze/);
      assert.deepEqual((listed.inputSchema as { required?: string[] }).required, ['question']);
    }
    assert.ok(!api.logLines().some((l) => /could not be registered/.test(l)), 'no registration failed');
    // The region button's command exists (internal: registered, not in the Command Palette).
    assert.ok((await vscode.commands.getCommands(true)).includes('askCoze.switchRegion'));
  });

  test('the question and its #file and selection references reach Coze; the Markdown streamed is the answer', async () => {
    const answer = 'It doubles a number.\n\n```ts\ntwice(2) === 4;\n```\n\nThat is all.';
    await fake.behavior({ answers: [answer], followUps: ['Why twice?', 'Add a test'] });
    const file = path.join(dir, 'sample.ts');
    fs.writeFileSync(file, 'export const answer = 42;\nexport function twice(n: number) {\n  return n * 2;\n}\n');
    const uri = vscode.Uri.file(file);
    const prompt = 'What does #file:sample.ts do?';
    const references: vscode.ChatPromptReference[] = [
      // As VS Code hands them: sorted in reverse by their place in the prompt; a selection has no place.
      { id: 'vscode.selection', value: new vscode.Location(uri, new vscode.Range(1, 0, 2, 16)) },
      { id: 'vscode.file', range: [10, 26], value: uri },
    ];
    const session = new ChatSession();
    const { result, stream } = await session.send(prompt, { references });

    assert.equal(result.errorDetails, undefined, JSON.stringify(result.errorDetails));
    assert.equal(stream.markdownText, answer, 'the Markdown streamed is the answer, nothing else');
    assert.ok(stream.of('markdown').length > 1, 'the answer streamed in pieces');
    assert.equal(stream.of('reference').length, 2, 'the references sent are shown');

    const [chat] = await chatAndChatflowRequests();
    const question = lastQuestion(chat!.body);
    assert.ok(question.startsWith(`${prompt}\n\n`), 'the prompt comes first');
    assert.match(question, /sample\.ts:1-4`\n```typescript\nexport const answer = 42;\n[^]*\n```/, 'the whole file, quoted with its lines and language');
    assert.match(question, /sample\.ts:2-3`\n```typescript\nexport function twice\(n: number\) \{\n {2}return n \* 2;\n```/, 'the selection, quoted');
    assert.ok(question.indexOf('sample.ts:1-4') < question.indexOf('sample.ts:2-3'), 'in prompt order');
    assert.equal((chat!.body as ChatBody).bot_id, BOT_ID);

    const conversationId = (await fake.chats())[0]!.conversationId;
    assert.ok(conversationId);
    assert.equal(metadata(result)?.cozeConversationId, conversationId, 'the Coze conversation is kept in the result');
    assert.deepEqual(await session.followups(result), [{ prompt: 'Why twice?' }, { prompt: 'Add a test' }], "follow-ups are the bot's follow_up messages");
  });

  test('a second request in the session continues its Coze conversation; another session starts its own', async () => {
    await fake.behavior({ answers: ['First.'], followUps: [] });
    const session = new ChatSession();
    const first = await session.send('What is a closure?');
    await fake.behavior({ answers: ['Second.'] });
    const second = await session.send('Show me one');
    assert.equal(second.stream.markdownText, 'Second.');
    const fresh = await new ChatSession().send('Unrelated');

    const chats = await chatAndChatflowRequests();
    assert.equal(chats.length, 3);
    const conversationId = metadata(first.result)?.cozeConversationId;
    assert.ok(conversationId);
    assert.equal(chats[0]!.query.conversation_id, undefined, 'the first request starts a conversation');
    assert.equal(chats[1]!.query.conversation_id, conversationId, 'the second continues it (read back from the history)');
    assert.equal(lastQuestion(chats[1]!.body), 'Show me one');
    assert.equal(chats[2]!.query.conversation_id, undefined, 'a new chat session is a new conversation');
    assert.notEqual(metadata(fresh.result)?.cozeConversationId, conversationId);
  });

  test('a deep-thinking model’s reasoning stays out of the answer: the response only says the bot is thinking', async () => {
    await fake.behavior({ answers: ['The answer.'], followUps: [], reasoning: 'First I consider the options, then I pick one.' });
    const { result, stream } = await new ChatSession().send('Think first');
    assert.equal(result.errorDetails, undefined);
    assert.equal(stream.markdownText, 'The answer.');
    assert.ok(stream.of<string>('progress').some((p) => /is thinking/.test(p)), JSON.stringify(stream.of('progress')));
    assert.ok(!JSON.stringify(stream.parts).includes('consider the options'), 'the reasoning is never shown as the answer');
  });

  test('Stop (the request’s token) ends the answer and cancels the chat on Coze', async () => {
    await fake.behavior({ completeAfterMs: 20_000, deltaIntervalMs: 100, deltaSize: 4, answers: ['y'.repeat(2000)] });
    const stop = new vscode.CancellationTokenSource();
    const session = new ChatSession();
    const { stream, sent } = session.start('A long story, please', { token: stop.token });
    await waitFor('the first text', () => stream.markdownText.length > 0 || undefined);
    stop.cancel();
    const { result } = await sent;
    assert.equal(result.errorDetails, undefined, 'a stop is no failure');
    assert.ok(stream.markdownText.length < 2000, 'the answer ended early');

    const cancel = await waitFor('POST /v3/chat/cancel', async () => (await fake.requests()).find((r) => r.endpoint === 'cancel'));
    const chatId = (cancel.body as { chat_id: string }).chat_id;
    assert.equal((await fake.chats()).find((c) => c.id === chatId)?.status, 'canceled');
    assert.ok(metadata(result)?.cozeConversationId, 'the conversation goes on after a stop');

    // The next question in the session continues the conversation (the client waited for the cancel, no 4016).
    await fake.behavior({ ...FAST_STREAM, answers: ['Short now.'] });
    const next = await session.send('Shorter, please');
    assert.equal(next.result.errorDetails, undefined, JSON.stringify(next.result.errorDetails));
    assert.equal(next.stream.markdownText, 'Short now.');
    assert.equal((await chatAndChatflowRequests()).at(-1)!.query.conversation_id, metadata(result)?.cozeConversationId);
  });

  test('a rejected key (4100) shows the message with code and logid, and a Set API Key button; no key sends nothing', async () => {
    await api.setToken('pat_wrongwrongwrongwrong123');
    const { result, stream } = await new ChatSession().send('Who am I?');
    const message = result.errorDetails?.message ?? '';
    assert.match(message, /4100/);
    assert.match(message, /logid/);
    const buttons = stream.of<vscode.Command>('button');
    assert.ok(buttons.some((b) => b.command === 'askCoze.setApiKey' && b.title === 'Set API Key'), JSON.stringify(buttons));
    const commands = await vscode.commands.getCommands(true);
    for (const b of buttons) assert.ok(commands.includes(b.command), `the button's command ${b.command} exists`);
    assertNoToken('the response', message + JSON.stringify(stream.parts));
    assert.ok(!message.includes('pat_wrong'), 'the rejected token is not echoed');

    await fake.reset();
    await api.clearToken();
    const none = await new ChatSession().send('Anything?');
    assert.match(none.result.errorDetails?.message ?? '', /No Coze API key/);
    assert.deepEqual(none.stream.of<vscode.Command>('button').map((b) => b.command), ['askCoze.setApiKey']);
    assert.deepEqual(await fake.requests(), [], 'nothing was sent without a key');
  });

  test('/bot lists the chat’s bots as follow-ups; /bot <name> asks that bot from then on, in a new conversation', async () => {
    await configure({ bots: [{ name: 'Reviewer', id: '1234567890123' }] });
    try {
      await fake.behavior({ answers: ['Hi.'], followUps: [] });
      const session = new ChatSession();
      const first = await session.send('Hello default bot');
      const defaultConversation = metadata(first.result)?.cozeConversationId;
      assert.ok(defaultConversation);

      const list = await session.send('', { command: 'bot' });
      assert.match(list.stream.markdownText, /Reviewer/);
      assert.deepEqual(await session.followups(list.result), [{ prompt: 'Reviewer', label: 'Reviewer', command: 'bot' }]);
      assert.ok(list.stream.of<vscode.Command>('button').some((b) => b.command === 'askCoze.selectBot'), 'Coze’s catalogue is one button away');
      assert.equal(metadata(list.result)?.cozeConversationId, defaultConversation, 'listing the bots keeps the conversation');

      const picked = await session.send('reviewer', { command: 'bot' });
      assert.equal(picked.result.errorDetails, undefined);
      assert.equal(metadata(picked.result)?.pickedBotKey, '1234567890123');
      const unknown = await session.send('Nobody', { command: 'bot' });
      assert.match(unknown.result.errorDetails?.message ?? '', /Nobody/);

      await session.send('Hello reviewer');
      await session.send('Still there?');
      const chats = await chatAndChatflowRequests();
      assert.equal(chats.length, 3, '/bot itself asks Coze nothing');
      assert.equal((chats[1]!.body as ChatBody).bot_id, '1234567890123');
      assert.equal(chats[1]!.query.conversation_id, undefined, 'a new conversation with the picked bot');
      assert.equal((chats[2]!.body as ChatBody).bot_id, '1234567890123');
      assert.ok(chats[2]!.query.conversation_id, 'which the session then continues');
      assert.notEqual(chats[2]!.query.conversation_id, defaultConversation);
      assert.equal(vscode.workspace.getConfiguration('askCoze').get('botId'), BOT_ID, 'the pick is the session’s, not the setting');
    } finally {
      await configure({ bots: [] });
    }
  });
});

suite('Participant: the #askCoze language-model tool', function () {
  this.timeout(60_000);
  const token = () => new vscode.CancellationTokenSource().token;
  const textOf = (result: vscode.LanguageModelToolResult | null | undefined): string =>
    (result?.content ?? []).map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');

  suiteSetup(async () => {
    api = await activateForTests();
  });

  setup(() => resetFakeAndKey(api));

  test('asks for confirmation with the question, then answers with the bot’s text', async () => {
    const question = 'How should `retry` back off?';
    const prepared = await api.participant.tool.prepareInvocation!({ input: { question } }, token());
    assert.ok(prepared?.confirmationMessages, 'VS Code asks the user before the question leaves');
    assert.equal(prepared.confirmationMessages.title, 'Ask your Coze bot?');
    const body = prepared.confirmationMessages.message;
    const text = typeof body === 'string' ? body : body.value;
    assert.ok(text.includes(question), 'the confirmation shows the question');
    assert.ok(text.includes(new URL(process.env.ASK_COZE_FAKE_URL!).host), 'and where it goes');
    assert.deepEqual(await fake.requests(), [], 'preparing sends nothing');

    await fake.behavior({ answers: ['Exponentially, with jitter.'], followUps: ['More?'] });
    const result = await api.participant.tool.invoke({ input: { question }, toolInvocationToken: undefined }, token());
    assert.equal(textOf(result), 'Exponentially, with jitter.');
    const [chat] = await chatAndChatflowRequests();
    assert.equal(lastQuestion(chat!.body), question);
    assert.equal(chat!.query.conversation_id, undefined, 'each call is a conversation of its own');
  });

  test('a failure comes back as the message in words, not as an error', async () => {
    await api.clearToken();
    const result = await api.participant.tool.invoke({ input: { question: 'Anything?' }, toolInvocationToken: undefined }, token());
    assert.match(textOf(result), /No Coze API key/);
    assert.deepEqual(await fake.requests(), []);
    const bad = await api.participant.tool.invoke({ input: { nothing: true } as unknown as { question: string }, toolInvocationToken: undefined }, token());
    assert.match(textOf(bad), /needs a question/);
  });

  test('a canceled call stops the chat on Coze', async () => {
    await fake.behavior({ completeAfterMs: 20_000, deltaIntervalMs: 100, deltaSize: 4, answers: ['z'.repeat(2000)] });
    const stop = new vscode.CancellationTokenSource();
    const pending = Promise.resolve(api.participant.tool.invoke({ input: { question: 'Long one' }, toolInvocationToken: undefined }, stop.token));
    await waitFor('the chat running on Coze', async () => (await fake.chats()).find((c) => c.status === 'in_progress'));
    stop.cancel();
    await assert.rejects(pending, (err: unknown) => err instanceof vscode.CancellationError);
    await waitFor('POST /v3/chat/cancel', async () => (await fake.requests()).find((r) => r.endpoint === 'cancel'));
  });
});
