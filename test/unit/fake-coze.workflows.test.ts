import { strict as assert } from 'node:assert';
import { parseSse } from '../../src/coze/sse';
import { FakeCozeServer } from '../fake-coze/server';
import { INTERRUPT_WORKFLOW_ID } from '../fake-coze/workflowBehavior';

const TOKEN = 'pat_test_token';
const WF = '7411111111111111111';

describe('fake Coze server: workflows', () => {
  let fake: FakeCozeServer;
  before(async () => {
    fake = await FakeCozeServer.start();
  });
  afterEach(() => fake.reset());
  after(() => fake.close());

  const post = (path: string, body: unknown, token = TOKEN) =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  it('stream_run: `id:` lines from 0, Message events, then Done with a debug_url; the body is recorded', async () => {
    const res = await post('/v1/workflow/stream_run', { workflow_id: WF, parameters: { x: 'y' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.ok(res.headers.get('x-tt-logid'));
    const text = await res.text();
    assert.match(text, /^id: 0\nevent: Message\ndata: \{/);
    const events = parseSse([text]);
    assert.deepEqual(
      events.map((e) => [e.id, e.event]),
      [['0', 'Message'], ['1', 'Message'], ['2', 'Message'], ['3', 'Done']],
    );
    const titles = events.slice(0, 3).map((e) => (JSON.parse(e.data) as { node_title: string }).node_title);
    assert.deepEqual(titles, ['LLM', 'LLM', 'End']);
    assert.match((JSON.parse(events[3]!.data) as { debug_url: string }).debug_url, /execute_id=\d+/);
    const rec = fake.requests[0]!;
    assert.equal(rec.endpoint, 'workflowStream');
    assert.equal(rec.stream, true);
    assert.deepEqual(rec.body, { workflow_id: WF, parameters: { x: 'y' } });
  });

  it('an interrupt is answered once: the right event_id resumes (ids from 0 again), a second resume is refused', async () => {
    const run = parseSse([await (await post('/v1/workflow/stream_run', { workflow_id: INTERRUPT_WORKFLOW_ID })).text()]);
    assert.deepEqual(run.map((e) => e.event), ['Message', 'Interrupt']);
    const interrupt = JSON.parse(run[1]!.data) as { interrupt_data: { event_id: string; type: number }; node_title: string };
    assert.equal(interrupt.node_title, 'Question');
    const body = { workflow_id: INTERRUPT_WORKFLOW_ID, event_id: interrupt.interrupt_data.event_id, resume_data: 'Paris', interrupt_type: interrupt.interrupt_data.type };

    const rest = parseSse([await (await post('/v1/workflow/stream_resume', body)).text()]);
    assert.equal(rest[0]!.id, '0');
    assert.equal(rest.at(-1)!.event, 'Done');
    assert.ok(rest.some((e) => e.data.includes('Paris')));

    const again = await post('/v1/workflow/stream_resume', body);
    assert.match(again.headers.get('content-type') ?? '', /application\/json/);
    const json = (await again.json()) as { code: number; msg: string; detail: { logid: string } };
    assert.equal(json.code, 4000);
    assert.match(json.msg, /event_id/);
    assert.ok(json.detail.logid);
  });

  it('reset() forgets pending interrupts', async () => {
    const run = parseSse([await (await post('/v1/workflow/stream_run', { workflow_id: INTERRUPT_WORKFLOW_ID })).text()]);
    const { event_id } = (JSON.parse(run[1]!.data) as { interrupt_data: { event_id: string } }).interrupt_data;
    fake.reset();
    const res = await post('/v1/workflow/stream_resume', { workflow_id: INTERRUPT_WORKFLOW_ID, event_id, resume_data: 'a', interrupt_type: 2 });
    assert.equal(((await res.json()) as { code: number }).code, 4000);
  });

  it('the non-stream /v1/workflow/run answers execute_id and debug_url beside data (a JSON string)', async () => {
    const json = (await (await post('/v1/workflow/run', { workflow_id: WF, parameters: { a: 1 } })).json()) as Record<string, unknown>;
    assert.equal(json.code, 0);
    assert.equal(typeof json.data, 'string');
    assert.match(JSON.parse(json.data as string).output as string, /"a":1/);
    assert.match(json.execute_id as string, /^\d+$/);
    assert.ok(String(json.debug_url).includes(json.execute_id as string));
    const refused = (await (await post('/v1/workflow/run', { workflow_id: INTERRUPT_WORKFLOW_ID })).json()) as { code: number };
    assert.notEqual(refused.code, 0, 'a workflow that would wait for the user cannot run without a stream');
  });

  it('needs the token, checks workflow_id and parameters, refuses bot_id with app_id', async () => {
    const noAuth = await post('/v1/workflow/stream_run', { workflow_id: WF }, '');
    assert.equal(noAuth.status, 401);
    assert.equal(((await noAuth.json()) as { code: number }).code, 4100);
    for (const bad of [{}, { workflow_id: 'abc' }, { workflow_id: WF, parameters: [1] }, { workflow_id: WF, bot_id: '1', app_id: '2' }]) {
      const json = (await (await post('/v1/workflow/stream_run', bad)).json()) as { code: number };
      assert.equal(json.code, 4000, JSON.stringify(bad));
    }
    // Coze Studio's IDL has parameters as a JSON string: accepted too.
    const asString = await post('/v1/workflow/stream_run', { workflow_id: WF, parameters: '{"k":"v"}' });
    assert.ok((await asString.text()).includes('\\"k\\":\\"v\\"'));
  });

  it('behavior `workflow` scripts messages and errors; invalid patches are refused', async () => {
    fake.setBehavior({ workflow: { messages: [{ nodeTitle: 'Out', content: 'one' }, { nodeTitle: 'Out', content: 'two' }] } });
    const events = parseSse([await (await post('/v1/workflow/stream_run', { workflow_id: WF })).text()]);
    assert.deepEqual(
      events.map((e) => e.event),
      ['Message', 'Message', 'Done'],
    );
    fake.setBehavior({ workflow: { error: { code: 6003, msg: 'boom' } } });
    const failed = parseSse([await (await post('/v1/workflow/stream_run', { workflow_id: WF })).text()]);
    assert.deepEqual(JSON.parse(failed.at(-1)!.data), { error_code: 6003, error_message: 'boom' });
    assert.throws(() => fake.setBehavior({ workflow: { nope: 1 } as never }), /workflow/);
    const res = await fetch(`${fake.url}/__fake/behavior`, { method: 'POST', body: JSON.stringify({ workflow: { omitDone: 'yes' } }) });
    assert.equal(res.status, 400);
  });

  it('stream faults apply to workflow streams too (reset mid-stream)', async () => {
    fake.addFault({ endpoint: 'workflowStream', kind: 'reset-mid-stream', afterEvents: 1 });
    const res = await post('/v1/workflow/stream_run', { workflow_id: WF });
    await assert.rejects(res.text());
    assert.equal(fake.requests[0]!.fault, 'reset-mid-stream');
    assert.equal(fake.requests[0]!.clientDisconnected, undefined, "the fake's own cut is not the client leaving");
  });

  it('records a workflow stream the client left before its end (clientDisconnected), not one read to the end', async () => {
    await (await post('/v1/workflow/stream_run', { workflow_id: WF })).text();
    fake.addFault({ endpoint: 'workflowStream', kind: 'stall-mid-stream', afterEvents: 1 });
    const ac = new AbortController();
    const res = await fetch(`${fake.url}/v1/workflow/stream_run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ workflow_id: WF }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('event: Message')) seen += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    await assert.rejects(reader.read());
    const left = fake.requests[1]!;
    for (let i = 0; i < 100 && !left.clientDisconnected; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(left.clientDisconnected, true);
    assert.equal(fake.requests[0]!.clientDisconnected, undefined, 'the stream read to its end');
  });
});
