import { strict as assert } from 'node:assert';
import type { WorkflowMessage } from '../../src/coze';
import { interruptQuestion, WorkflowStreamDecoder } from '../../src/coze/workflowRun';
import type { RecordedRequest } from '../fake-coze/types';
import { ERROR_WORKFLOW_ID, INTERRUPT_WORKFLOW_ID, UNPUBLISHED_WORKFLOW_ID } from '../fake-coze/workflowBehavior';
import { BOT_ID, expectCozeError, useFakeCoze } from './cozeTestKit';

const WORKFLOW_ID = '7498765432109876543';

function workflowRequests(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.endpoint === 'workflowStream' || r.endpoint === 'workflowResume');
}

describe('CozeClient workflows (against the fake server)', () => {
  const kit = useFakeCoze();

  it('runs a workflow: every Message in order with its node title, then done with the execute id and debug url', async () => {
    const seen: WorkflowMessage[] = [];
    const result = await kit.client().runWorkflow(WORKFLOW_ID, { parameters: { city: '北京', days: 2 }, onMessage: (m) => seen.push(m) });

    assert.equal(result.status, 'done');
    assert.deepEqual(seen, result.messages, 'onMessage saw every message, in order');
    assert.deepEqual(
      result.messages.map((m) => m.nodeTitle),
      ['LLM', 'LLM', 'End'],
    );
    assert.equal(result.messages.map((m) => m.content).slice(0, 2).join(''), 'Parameters: {"city":"北京","days":2}');
    assert.deepEqual(
      result.messages.map((m) => [m.nodeSeqId, m.nodeIsFinish]),
      [['0', false], ['1', true], ['0', true]],
    );
    assert.match(result.executeId ?? '', /^\d{19}$/);
    assert.ok(result.debugUrl?.includes(`execute_id=${result.executeId}`));

    const [req, ...more] = workflowRequests(kit.fake.requests);
    assert.equal(more.length, 0, 'one call');
    assert.equal(req!.path, '/v1/workflow/stream_run');
    assert.deepEqual(req!.body, { workflow_id: WORKFLOW_ID, parameters: { city: '北京', days: 2 } });
    assert.match(req!.headers.accept ?? '', /text\/event-stream/);
  });

  it('sends parameters {} when none are given, and bot_id when given', async () => {
    await kit.client().runWorkflow(WORKFLOW_ID, { botId: BOT_ID });
    assert.deepEqual(workflowRequests(kit.fake.requests)[0]!.body, { workflow_id: WORKFLOW_ID, parameters: {}, bot_id: BOT_ID });
  });

  it('an interrupt ends the run with what resume needs; resuming sends it back and streams the rest', async () => {
    kit.fake.setBehavior({ workflow: { question: '哪个城市？' } });
    const client = kit.client();
    const first = await client.runWorkflow(INTERRUPT_WORKFLOW_ID, { parameters: { q: 1 } });
    assert.equal(first.status, 'interrupted');
    if (first.status !== 'interrupted') return;
    assert.equal(first.interrupt.nodeTitle, 'Question');
    assert.equal(first.interrupt.type, 2);
    assert.equal(first.interrupt.prompt, '哪个城市？', 'the question comes from the node’s Message (interrupt_data.data is empty)');
    assert.match(first.interrupt.eventId, /^\d+\/\d+$/);
    assert.equal(first.executeId, first.interrupt.eventId.split('/')[0]);

    const seen: string[] = [];
    const rest = await client.resumeWorkflow(
      INTERRUPT_WORKFLOW_ID,
      { eventId: first.interrupt.eventId, resumeData: '上海', interruptType: first.interrupt.type },
      { onMessage: (m) => seen.push(m.content) },
    );
    assert.equal(rest.status, 'done');
    assert.equal(seen.join('').includes('You answered: 上海'), true);
    assert.equal(rest.executeId, first.executeId, 'the same execution goes on');

    const resume = kit.fake.requests.find((r) => r.endpoint === 'workflowResume')!;
    assert.equal(resume.path, '/v1/workflow/stream_resume');
    assert.deepEqual(resume.body, {
      workflow_id: INTERRUPT_WORKFLOW_ID,
      event_id: first.interrupt.eventId,
      resume_data: '上海',
      interrupt_type: 2,
    });
  });

  it('a wrong event id → api error with Coze’s code and logid, sent once', async () => {
    const client = kit.client();
    const err = await expectCozeError(kit, client.resumeWorkflow(INTERRUPT_WORKFLOW_ID, { eventId: '123/456', resumeData: 'x', interruptType: 2 }));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 4000);
    assert.ok(err.logId);
    assert.ok(err.message.includes(err.logId!));
    assert.match(err.message, /event_id/);
    assert.equal(workflowRequests(kit.fake.requests).length, 1, 'not retried');
  });

  it('an Error event → api error with error_code, error_message, logid and the text so far; not retried', async () => {
    kit.fake.setBehavior({ workflow: { error: { code: 6003, msg: 'node LLM: model quota exhausted' } } });
    const seen: string[] = [];
    const err = await expectCozeError(kit, kit.client().runWorkflow(WORKFLOW_ID, { onMessage: (m) => seen.push(m.content) }));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 6003);
    assert.match(err.message, /model quota exhausted/);
    assert.ok(err.logId);
    assert.equal(seen.length, 1, 'the message before the error was delivered');
    assert.equal(err.partialText, seen[0]);
    assert.equal(workflowRequests(kit.fake.requests).length, 1);
  });

  it('the scripted failing workflow fails with its default Error event', async () => {
    const err = await expectCozeError(kit, kit.client().runWorkflow(ERROR_WORKFLOW_ID));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 4000);
  });

  it('a JSON error body instead of a stream → api error (4200, unpublished), not retried', async () => {
    const err = await expectCozeError(kit, kit.client().runWorkflow(UNPUBLISHED_WORKFLOW_ID));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 4200);
    assert.ok(err.logId);
    assert.equal(workflowRequests(kit.fake.requests).length, 1);
  });

  it('a JSON 4100 with HTTP 401 for a stream request → api error with the region hint', async () => {
    kit.fake.addFault({ endpoint: 'workflowStream', kind: 'json-error-for-stream', code: 4100, msg: 'authentication is invalid', status: 401 });
    const err = await expectCozeError(kit, kit.client().runWorkflow(WORKFLOW_ID));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 4100);
    assert.equal(err.httpStatus, 401);
    assert.match(err.message, /region/);
  });

  it('a stream cut mid-way → network error, never retried (the workflow would run twice)', async () => {
    kit.fake.addFault({ endpoint: 'workflowStream', kind: 'reset-mid-stream', afterEvents: 1 });
    const seen: string[] = [];
    const err = await expectCozeError(kit, kit.client().runWorkflow(WORKFLOW_ID, { onMessage: (m) => seen.push(m.content) }));
    assert.equal(err.kind, 'network');
    assert.equal(seen.length, 1);
    assert.equal(err.partialText, seen[0]);
    assert.equal(workflowRequests(kit.fake.requests).length, 1);
  });

  it('a stream that ends without Done → protocol error, not a success', async () => {
    kit.fake.setBehavior({ workflow: { omitDone: true } });
    const err = await expectCozeError(kit, kit.client().runWorkflow(WORKFLOW_ID));
    assert.equal(err.kind, 'protocol');
    assert.match(err.message, /Done/);
    assert.equal(workflowRequests(kit.fake.requests).length, 1);
  });

  it('a mid-stream Error event from the fault queue → api error with its code', async () => {
    kit.fake.addFault({ endpoint: 'workflowStream', kind: 'error-event', afterEvents: 2, code: 5000, msg: 'internal error' });
    const err = await expectCozeError(kit, kit.client().runWorkflow(WORKFLOW_ID));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 5000);
    assert.equal(workflowRequests(kit.fake.requests).length, 1, 'an error after events is never retried, even a retryable code');
  });

  it('a 502 before the first byte is retried, and the run then succeeds', async () => {
    kit.fake.addFault({ endpoint: 'workflowStream', kind: 'http', status: 502, body: 'html' });
    const result = await kit.client().runWorkflow(WORKFLOW_ID);
    assert.equal(result.status, 'done');
    assert.equal(workflowRequests(kit.fake.requests).length, 2);
  });

  it('reads the same run in 1-byte chunks (splits inside UTF-8) and with CRLF', async () => {
    kit.fake.setBehavior({ chunking: { bytes: 1 }, sse: { crlf: true } });
    const result = await kit.client().runWorkflow(WORKFLOW_ID, { parameters: { 城市: '北京🚀' } });
    assert.equal(result.status, 'done');
    assert.equal(result.messages.map((m) => m.content).slice(0, 2).join(''), 'Parameters: {"城市":"北京🚀"}');
  });

  it('cancel by signal → canceled, nothing sent again', async () => {
    kit.fake.setBehavior({ workflow: { eventIntervalMs: 200 } });
    const ac = new AbortController();
    const p = kit.client().runWorkflow(WORKFLOW_ID, { signal: ac.signal, onMessage: () => ac.abort() });
    const err = await expectCozeError(kit, p);
    assert.equal(err.kind, 'canceled');
    assert.equal(workflowRequests(kit.fake.requests).length, 1);
  });

  it('the whole run is bounded by maxWaitMs → timeout max-wait', async () => {
    kit.fake.addFault({ endpoint: 'workflowStream', kind: 'stall-mid-stream', afterEvents: 1 });
    const err = await expectCozeError(kit, kit.client({ maxWaitMs: 300 }).runWorkflow(WORKFLOW_ID));
    assert.equal(err.kind, 'timeout');
    assert.equal(err.reason, 'max-wait');
  });

  it('an invalid workflow id, parameters or event id is rejected before any request', async () => {
    const client = kit.client();
    for (const id of ['', 'abc', '12 34', '１２３']) {
      const err = await expectCozeError(kit, client.runWorkflow(id));
      assert.equal(err.kind, 'invalid-input');
      assert.equal(err.invalidOption, 'workflowId');
    }
    const params = await expectCozeError(kit, client.runWorkflow(WORKFLOW_ID, { parameters: [1, 2] as unknown as Record<string, unknown> }));
    assert.equal(params.invalidOption, 'parameters');
    const resume = await expectCozeError(kit, client.resumeWorkflow(WORKFLOW_ID, { eventId: ' ', resumeData: 'x', interruptType: 2 }));
    assert.equal(resume.invalidOption, 'eventId');
    const both = await expectCozeError(kit, client.runWorkflow(WORKFLOW_ID, { botId: BOT_ID, appId: '123' }));
    assert.equal(both.kind, 'invalid-input');
    assert.equal(kit.fake.requests.length, 0);
  });

  it('close() cancels a running workflow and waits for it', async () => {
    kit.fake.setBehavior({ workflow: { eventIntervalMs: 200 } });
    const client = kit.client();
    let closed: Promise<void> | undefined;
    const p = client.runWorkflow(WORKFLOW_ID, { onMessage: () => (closed ??= client.close()) });
    const err = await expectCozeError(kit, p);
    assert.equal(err.kind, 'canceled');
    assert.match(err.message, /closed/);
    await closed;
    const after = await expectCozeError(kit, client.runWorkflow(WORKFLOW_ID));
    assert.equal(after.kind, 'canceled', 'a closed client starts nothing');
    assert.equal(workflowRequests(kit.fake.requests).length, 1);
  });
});

describe('CozeClient workflows (Coze Studio dialect of the fake)', () => {
  const kit = useFakeCoze({ dialect: 'studio' });

  it('reads `id:`/`event:`/`data:` without spaces and Studio’s X-Log-ID', async () => {
    const result = await kit.client().runWorkflow(WORKFLOW_ID, { parameters: { a: 1 } });
    assert.equal(result.status, 'done');
    assert.deepEqual(
      result.messages.map((m) => m.nodeTitle),
      ['LLM', 'LLM', 'End'],
    );
    const err = await expectCozeError(kit, kit.client().runWorkflow(UNPUBLISHED_WORKFLOW_ID));
    assert.equal(err.code, 4200);
    assert.match(err.logId ?? '', /^[0-9a-f-]{36}$/);
  });

  it('asks the question Studio puts in interrupt_data.data as JSON (no Message before it), and resumes', async () => {
    kit.fake.setBehavior({ workflow: { question: 'Which city?' } });
    const client = kit.client();
    const first = await client.runWorkflow(INTERRUPT_WORKFLOW_ID, { parameters: { q: 1 } });
    assert.equal(first.status, 'interrupted');
    if (first.status !== 'interrupted') return;
    assert.equal(first.interrupt.prompt, 'Which city?', 'the question, not the JSON around it');
    assert.equal(first.interrupt.nodeTitle, undefined, 'Studio names no node');
    assert.deepEqual(first.messages, []);
    const second = await client.resumeWorkflow(INTERRUPT_WORKFLOW_ID, { eventId: first.interrupt.eventId, resumeData: 'Shanghai', interruptType: first.interrupt.type });
    assert.equal(second.status, 'done');
  });
});

describe('WorkflowStreamDecoder (wire variants the fake does not play)', () => {
  const meta = { status: 200, contentType: 'text/event-stream', logId: 'LOG1' };
  const decode = (text: string): WorkflowStreamDecoder => {
    const d = new WorkflowStreamDecoder({ meta, redact: (s) => s });
    d.push(text);
    if (!d.result) d.end();
    return d;
  };

  it('accepts lower-case event names (older Coze Studio) and skips unknown events', () => {
    const d = decode(
      'event:PING\ndata:{}\n\n' +
        'id:0\nevent:message\ndata:{"content":"hi","node_title":"End","node_seq_id":0,"node_is_finish":true}\n\n' +
        'id:1\nevent:done\ndata:{"debug_url":"https://www.coze.cn/work_flow?execute_id=7401&space_id=1&workflow_id=2"}\n\n',
    );
    assert.equal(d.result?.status, 'done');
    assert.deepEqual(d.messages, [{ content: 'hi', nodeTitle: 'End', nodeSeqId: '0', nodeIsFinish: true }]);
    assert.equal(d.result?.executeId, '7401');
  });

  it('a Done without data (or with {}) is a success without ids', () => {
    for (const tail of ['event:Done\n\n', 'event:Done\ndata:{}\n\n', 'event:Done\ndata:\n\n']) {
      const d = decode(`event:Message\ndata:{"content":"x"}\n\n${tail}`);
      assert.equal(d.result?.status, 'done');
      assert.equal(d.result?.executeId, undefined);
    }
  });

  it('Coze Studio’s plain-text `event:error` → api error with the text, no code', () => {
    assert.throws(
      () => decode('event:error\ndata:workflow execute failed: node timeout\n\n'),
      (e: unknown) => {
        const err = e as { kind: string; code?: number; message: string; logId?: string };
        return err.kind === 'api' && err.code === undefined && /node timeout/.test(err.message) && err.logId === 'LOG1';
      },
    );
  });

  it('the question of a Studio Question node: the last question of its JSON conversation, a choice with its options', () => {
    const conversation = (messages: unknown[]) => JSON.stringify(JSON.stringify({ messages }));
    const interrupt = (data: string) => decode(`event:Interrupt\ndata:{"interrupt_data":{"event_id":"99/1","type":2,"data":${data}}}\n\n`);
    const promptOf = (data: string) => {
      const r = interrupt(data).result;
      return r?.status === 'interrupted' ? r.interrupt.prompt : 'not interrupted';
    };
    const asked = [
      { type: 'question', content_type: 'text', content: 'Your name?', id: 'n_0' },
      { type: 'answer', content_type: 'text', content: 'Ann', id: 'n_1' },
      { type: 'question', content_type: 'text', content: 'And your city?', id: 'n_2' },
    ];
    assert.equal(promptOf(conversation(asked)), 'And your city?');
    const choice = [{ type: 'question', content_type: 'option', content: { question: 'Which size?', options: [{ name: 'S' }, { name: 'M' }, { name: 'L' }] } }];
    assert.equal(promptOf(conversation(choice)), 'Which size? (S / M / L)');
    assert.equal(promptOf(JSON.stringify('{"not":"a conversation"}')), '{"not":"a conversation"}', 'other JSON is shown as it came');
    assert.equal(interruptQuestion('{"messages":[]}'), undefined, 'no question in it: none');
    assert.equal(interruptQuestion('Plain words?'), 'Plain words?');
    assert.equal(interruptQuestion(''), undefined);
  });

  it('an Interrupt with its question in interrupt_data.data uses that as the prompt', () => {
    const d = decode('event:Interrupt\ndata:{"interrupt_data":{"event_id":"99/1","type":5,"data":"Your name?"},"node_title":"Input"}\n\n');
    assert.equal(d.result?.status, 'interrupted');
    if (d.result?.status !== 'interrupted') return;
    assert.deepEqual(d.result.interrupt, { eventId: '99/1', type: 5, prompt: 'Your name?', nodeTitle: 'Input' });
    assert.equal(d.result.executeId, '99');
  });

  it('an Interrupt without an event id, or an unreadable Message, → protocol error', () => {
    assert.throws(() => decode('event:Interrupt\ndata:{"interrupt_data":{"type":2}}\n\n'), /event id/);
    assert.throws(() => decode('event:Message\ndata:not json\n\n'), /unreadable/);
  });

  it('ignores a debug_url that is not http(s)', () => {
    const d = decode('event:Done\ndata:{"debug_url":"javascript:alert(1)"}\n\n');
    assert.equal(d.result?.debugUrl, undefined);
  });
});
