import { ChatStore } from '../../src/chat/chatStore';
import type { StoredConversation } from '../../src/chat/chatModel';

// A second "window" in a process of its own, for the two-writer tests (test/unit/historyWriters.test.ts and
// test/suite/historyWriters.test.ts): a ChatStore on the same folder that opens one conversation, adds `count`
// turns named `<writer>-<n>` to its copy in memory, saving after each with a random pause, and prints the ids of
// the turns it ended up holding. Usage: node historyWriterChild.js <dir> <conversation id> <writer> <count> <maxPauseMs>

async function main(): Promise<void> {
  const [dir, id, writer, countText, pauseText] = process.argv.slice(2);
  if (!dir || !id || !writer) throw new Error('usage: historyWriterChild <dir> <id> <writer> <count> <maxPauseMs>');
  const count = Number(countText ?? '10');
  const maxPause = Number(pauseText ?? '5');
  const store = new ChatStore(dir, { onWarning: (w) => process.stderr.write(`${w}\n`) });
  await store.load();
  const now = Date.now();
  const conversation: StoredConversation = (await store.read(id)) ?? {
    version: 1,
    id,
    title: `Started by ${writer}`,
    botId: '123',
    createdAt: now,
    updatedAt: now,
    turns: [],
    trimmedTurns: 0,
  };
  for (let n = 1; n <= count; n++) {
    conversation.turns.push({ id: `${writer}-${n}`, question: `${writer} asks ${n}`, answer: `${writer} answers ${n}`, status: 'done', followUps: [], botId: '123', startedAt: Date.now() });
    conversation.updatedAt = Date.now();
    await store.save(conversation);
    await new Promise((r) => setTimeout(r, Math.random() * maxPause));
  }
  await store.flush();
  process.stdout.write(JSON.stringify(conversation.turns.map((t) => t.id)));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
