import * as assert from 'node:assert/strict';
import type { HLJSApi } from 'highlight.js';
import common from 'highlight.js/lib/common';
import core from 'highlight.js/lib/core';
import { Highlighter, loadLanguage } from '../../src/webview/shared/highlighter';
import { languageOf, languagesNeeded, languageTable } from '../../src/webview/shared/hljsLanguages';
import { renderMarkdownUnsanitized } from '../../src/webview/shared/markdown';

// The webviews load highlight.js grammars one by one when a code block needs them (docs/architecture.md).
// highlight.js/lib/common, the set they bundled whole before, is the reference: the same fence names must reach
// the same grammars, and a block must come out token for token as it did.

/** A highlighter of its own on a fresh highlight.js instance: only what it loads is registered in it. */
const isolated = () => new Highlighter(() => Promise.resolve(core.newInstance()));

/** The language object highlight.js/lib/common resolves a name to, as its key. */
function commonKey(name: string): string | undefined {
  const language = common.getLanguage(name);
  return language ? common.listLanguages().find((key) => common.getLanguage(key) === language) : undefined;
}

/** Languages a grammar hands parts of a block to (its `subLanguage`s), by walking its modes. */
function subLanguages(name: string): string[] {
  const found = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (mode: unknown): void => {
    if (!mode || typeof mode !== 'object' || seen.has(mode)) return;
    seen.add(mode);
    const m = mode as Record<string, unknown>;
    const sub = m.subLanguage;
    for (const s of Array.isArray(sub) ? sub : sub ? [sub] : []) found.add(String(s));
    for (const key of ['contains', 'variants', 'starts']) {
      const v = m[key];
      if (Array.isArray(v)) v.forEach(walk);
      else walk(v);
    }
  };
  walk(common.getLanguage(name));
  return [...found].filter((s) => s !== name && common.getLanguage(s)).sort();
}

/** Code that exercises the grammars and, above all, the parts they hand to embedded languages. */
const SNIPPETS = [
  '<!DOCTYPE html>\n<html><head><style>body { color: red; margin: 0 auto; }</style>\n<script>const x = 1; function f(a) { return `${a}` * 2; }</script></head>\n<body class="a" onload="go()">Hi &amp; bye<!-- note --></body></html>',
  'import React from "react";\nconst App = () => <div className="x">{items.map((i) => <Item key={i} />)}</div>;\nconst s = css`color: red;`;\nconst q = gql`query { user(id: 1) { name } }`;\nconst h = html`<b>${x}</b>`;\nexport default App;',
  '# Title\n\n<div align="center">html <b>inside</b></div>\n\n- item **bold** `code` [link](https://x.y)\n\n```js\nlet a = 1;\n```',
  '<p><?php echo htmlspecialchars($name); ?></p>\n<script>var a = 1;</script>\n<?php foreach ($xs as $x) { print $x; } ?>',
  '>>> def f(x):\n...     return x + 1\n...\n>>> f(2)\n3',
  '$ ls -la ~/src | grep "ts" && echo $HOME\nfile.ts\n# sudo apt-get install -y jq',
  'key: <%= ENV["HOME"] %>\nlist:\n  - a: 1\n    b: "two" # comment\n',
  '#include <stdio.h>\nint main(void) { printf("%d\\n", 42); return 0; }\n// comment\nclass A extends B { fn x() -> i32 { 1 } }\nSELECT * FROM t WHERE id = 1;\ndef f(a: int) -> str:\n    return f"{a}"\n',
];

describe('code highlighting: grammars loaded when a block needs them', () => {
  it('resolves every name and alias of highlight.js/lib/common to the same language, in any case', () => {
    const table = languageTable();
    assert.deepEqual(table.map((l) => l.name).sort(), common.listLanguages().sort(), 'the same set of languages');
    for (const { name, aliases } of table) {
      for (const fenceName of [name, ...aliases, name.toUpperCase(), ...aliases.map((a) => a.toUpperCase())]) {
        assert.equal(languageOf(fenceName), commonKey(fenceName), fenceName);
      }
      assert.deepEqual([...aliases].sort(), [...(common.getLanguage(name)!.aliases ?? [])].sort(), `aliases of ${name}`);
    }
    const all = table.flatMap((l) => [l.name, ...l.aliases]);
    assert.equal(new Set(all).size, all.length, 'no name is claimed twice, so the order grammars load in never decides');
  });

  it('maps the usual fence names, and nothing else', () => {
    const expected: Record<string, string> = {
      ts: 'typescript', tsx: 'typescript', TypeScript: 'typescript', js: 'javascript', jsx: 'javascript', sh: 'bash', zsh: 'bash',
      py: 'python', 'c++': 'cpp', cc: 'cpp', 'c#': 'csharp', html: 'xml', svg: 'xml', yml: 'yaml', md: 'markdown', console: 'shell',
      golang: 'go', rs: 'rust', kt: 'kotlin', toml: 'ini', text: 'plaintext',
    };
    for (const [fenceName, language] of Object.entries(expected)) assert.equal(languageOf(fenceName), language, fenceName);
    for (const unknown of ['', 'nonsense', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'ts ', 'mermaid', 'powershell']) {
      assert.equal(languageOf(unknown), undefined, JSON.stringify(unknown));
      assert.equal(commonKey(unknown), undefined, `${JSON.stringify(unknown)} is unknown to highlight.js/lib/common too`);
    }
  });

  it('loads with each language every language its grammar embeds (subLanguage), transitively', () => {
    for (const { name, embeds } of languageTable()) assert.deepEqual([...embeds].sort(), subLanguages(name), `embeds of ${name}`);
    assert.deepEqual(languagesNeeded('typescript').sort(), ['css', 'graphql', 'javascript', 'typescript', 'xml']);
    assert.deepEqual(languagesNeeded('python-repl').sort(), ['python', 'python-repl']);
    assert.deepEqual(languagesNeeded('bash'), ['bash']);
  });

  it('colours every language token for token as highlight.js/lib/common did, with only its own grammars loaded', async () => {
    for (const name of common.listLanguages()) {
      const highlighter = isolated();
      assert.equal(highlighter.state(name), 'loading', name);
      assert.equal(await highlighter.load(name), true, name);
      assert.equal(highlighter.state(name), 'ready', name);
      const hljs: HLJSApi = highlighter.readyFor(name)!;
      assert.deepEqual(hljs.listLanguages().sort(), languagesNeeded(name).sort(), `${name} loads only what it needs`);
      for (const code of SNIPPETS) {
        const lazy = hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
        assert.equal(lazy, common.highlight(code, { language: name, ignoreIllegals: true }).value, `${name}: ${code.slice(0, 30)}`);
      }
    }
  });

  it('says a fence without a known language gets no colours, and a grammar that fails to load leaves blocks plain', async () => {
    const highlighter = isolated();
    assert.equal(highlighter.state(''), 'none');
    assert.equal(highlighter.state('mermaid'), 'none');
    assert.equal(await highlighter.load('mermaid'), false);
    const offline = new Highlighter(() => Promise.reject(new Error('chunk failed to load')));
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      assert.equal(offline.state('ts'), 'loading');
      assert.equal(await offline.load('ts'), false);
      assert.equal(await offline.load('typescript'), false, 'the same language: not tried again');
    } finally {
      console.warn = warn;
    }
    assert.equal(offline.state('ts'), 'none', 'no longer waited for');
    assert.equal(offline.readyFor('ts'), undefined);
    assert.equal(warnings.length, 1, 'said once');
  });

  it('renders a block plain and marked while its grammar loads, and highlighted once it is here', async () => {
    // Rust: no other unit test renders it, so its grammar is not loaded yet in this process.
    const markdown = '```rust\nfn main() { let x = 1; }\n```';
    const before = renderMarkdownUnsanitized(markdown);
    assert.equal(before, '<div class="code-block" data-lang="rust"><pre><code class="hljs language-rust highlight-pending">fn main() { let x = 1; }\n</code></pre></div>\n');
    assert.equal(await loadLanguage('rust'), true);
    const after = renderMarkdownUnsanitized(markdown);
    const colours = common.highlight('fn main() { let x = 1; }\n', { language: 'rust', ignoreIllegals: true }).value;
    assert.equal(after, `<div class="code-block" data-lang="rust"><pre><code class="hljs language-rust">${colours}</code></pre></div>\n`);
    assert.match(after, /<span class="hljs-keyword">fn<\/span>/);
    // No language, or an unknown one: plain and not waiting for anything, as before.
    assert.equal(renderMarkdownUnsanitized('```\nx\n```'), '<div class="code-block"><pre><code class="hljs">x\n</code></pre></div>\n');
    assert.equal(renderMarkdownUnsanitized('```mermaid\nx\n```'), '<div class="code-block" data-lang="mermaid"><pre><code class="hljs language-mermaid">x\n</code></pre></div>\n');
  });
});
