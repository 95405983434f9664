import * as assert from 'node:assert/strict';
import { apiHost, checkBaseUrl, isLoopbackHost, isValidBotId } from '../../src/endpoint';
import { normalizeToken, tokenShape } from '../../src/tokenShape';

// The checks that decide where the token may go and what a pasted token must look like.

describe('endpoint checks', () => {
  it('accepts https anywhere and http only on loopback', () => {
    assert.deepEqual(checkBaseUrl('https://coze.example.com/'), { url: 'https://coze.example.com' });
    assert.deepEqual(checkBaseUrl(' http://127.0.0.1:8080 '), { url: 'http://127.0.0.1:8080' });
    assert.deepEqual(checkBaseUrl('http://localhost:3000/api/'), { url: 'http://localhost:3000/api' });
    assert.deepEqual(checkBaseUrl('http://[::1]:9/'), { url: 'http://[::1]:9' });
    assert.deepEqual(checkBaseUrl('http://api.coze.cn'), { problem: 'insecure' });
    assert.deepEqual(checkBaseUrl('http://127.0.0.1.evil.com'), { problem: 'insecure' });
    assert.deepEqual(checkBaseUrl('http://10.0.0.5'), { problem: 'insecure' });
  });

  it('refuses what is not a plain address', () => {
    assert.deepEqual(checkBaseUrl(''), { problem: 'missing' });
    assert.deepEqual(checkBaseUrl('api.coze.cn'), { problem: 'invalid' });
    assert.deepEqual(checkBaseUrl('ftp://x.y'), { problem: 'invalid' });
    assert.deepEqual(checkBaseUrl('https://user:pw@x.y'), { problem: 'invalid' });
    assert.deepEqual(checkBaseUrl('https://x.y/?token=1'), { problem: 'invalid' });
  });

  it('knows loopback hosts', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['localhost.com', '128.0.0.1', '0.0.0.0', 'example.com']) assert.ok(!isLoopbackHost(h), h);
  });

  it('checks bot ids and names hosts', () => {
    assert.ok(isValidBotId('7445600453913968691'));
    assert.ok(!isValidBotId('my-bot'));
    assert.ok(!isValidBotId(''));
    assert.equal(apiHost('https://api.coze.cn'), 'api.coze.cn');
  });
});

describe('pasted tokens', () => {
  it('loses the whitespace a paste brings along', () => {
    assert.equal(normalizeToken('  pat_abc123XYZ\n'), 'pat_abc123XYZ');
    assert.equal(normalizeToken('pat_abc 123\r\nXYZ'), 'pat_abc123XYZ');
  });

  it('warns about shapes that cannot be tokens', () => {
    assert.equal(tokenShape(''), 'empty');
    assert.equal(tokenShape('pat_' + 'a1'.repeat(20)), 'ok');
    assert.equal(tokenShape('Bearer"x'), 'suspicious');
    assert.equal(tokenShape('短'), 'suspicious');
  });
});
