import type { LanguageFn } from 'highlight.js';

// The highlight.js languages a code block can name, each loaded only when a block needs it
// (docs/architecture.md, "Webview scripts load in pieces"). The set is highlight.js's "common" one (the set the
// webviews bundled whole until issue 11), with its aliases, so a fence's name resolves to the same grammar as
// before; test/unit/hljsLanguages.test.ts checks both tables against highlight.js/lib/common.
//
// Every `import()` names its file literally: esbuild turns each into a chunk of its own
// (dist/webview/chunks/<language>-<hash>.js) and, in the unit tests' CommonJS output, into a require().

type Loader = () => Promise<{ default: LanguageFn }>;

interface Language {
  load: Loader;
  /** The other names a fence may use (highlight.js registers them with the grammar). */
  aliases: readonly string[];
  /**
   * Languages this grammar hands parts of a block to (highlight.js `subLanguage`: <script> in HTML, JSX in
   * TypeScript). They load with it, or those parts would come out plain where they used to be coloured.
   */
  embeds?: readonly string[];
}

const TABLE: Record<string, Language> = {
  bash: { load: () => import('highlight.js/lib/languages/bash'), aliases: ['sh', 'zsh'] },
  c: { load: () => import('highlight.js/lib/languages/c'), aliases: ['h'] },
  cpp: { load: () => import('highlight.js/lib/languages/cpp'), aliases: ['cc', 'c++', 'h++', 'hpp', 'hh', 'hxx', 'cxx'] },
  csharp: { load: () => import('highlight.js/lib/languages/csharp'), aliases: ['cs', 'c#'] },
  css: { load: () => import('highlight.js/lib/languages/css'), aliases: [] },
  diff: { load: () => import('highlight.js/lib/languages/diff'), aliases: ['patch'] },
  go: { load: () => import('highlight.js/lib/languages/go'), aliases: ['golang'] },
  graphql: { load: () => import('highlight.js/lib/languages/graphql'), aliases: ['gql'] },
  ini: { load: () => import('highlight.js/lib/languages/ini'), aliases: ['toml'] },
  java: { load: () => import('highlight.js/lib/languages/java'), aliases: ['jsp'] },
  javascript: { load: () => import('highlight.js/lib/languages/javascript'), aliases: ['js', 'jsx', 'mjs', 'cjs'], embeds: ['xml', 'css', 'graphql'] },
  json: { load: () => import('highlight.js/lib/languages/json'), aliases: ['jsonc', 'json5'] },
  kotlin: { load: () => import('highlight.js/lib/languages/kotlin'), aliases: ['kt', 'kts', 'ktm', 'ktx'] },
  less: { load: () => import('highlight.js/lib/languages/less'), aliases: [] },
  lua: { load: () => import('highlight.js/lib/languages/lua'), aliases: ['pluto'] },
  makefile: { load: () => import('highlight.js/lib/languages/makefile'), aliases: ['mk', 'mak', 'make'] },
  markdown: { load: () => import('highlight.js/lib/languages/markdown'), aliases: ['md', 'mkdown', 'mkd'], embeds: ['xml'] },
  objectivec: { load: () => import('highlight.js/lib/languages/objectivec'), aliases: ['mm', 'objc', 'obj-c', 'obj-c++', 'objective-c++'] },
  perl: { load: () => import('highlight.js/lib/languages/perl'), aliases: ['pl', 'pm'] },
  php: { load: () => import('highlight.js/lib/languages/php'), aliases: [] },
  'php-template': { load: () => import('highlight.js/lib/languages/php-template'), aliases: [], embeds: ['xml', 'php'] },
  plaintext: { load: () => import('highlight.js/lib/languages/plaintext'), aliases: ['text', 'txt'] },
  python: { load: () => import('highlight.js/lib/languages/python'), aliases: ['py', 'gyp', 'ipython'] },
  'python-repl': { load: () => import('highlight.js/lib/languages/python-repl'), aliases: ['pycon'], embeds: ['python'] },
  r: { load: () => import('highlight.js/lib/languages/r'), aliases: [] },
  ruby: { load: () => import('highlight.js/lib/languages/ruby'), aliases: ['rb', 'gemspec', 'podspec', 'thor', 'irb'] },
  rust: { load: () => import('highlight.js/lib/languages/rust'), aliases: ['rs'] },
  scss: { load: () => import('highlight.js/lib/languages/scss'), aliases: [] },
  shell: { load: () => import('highlight.js/lib/languages/shell'), aliases: ['console', 'shellsession'], embeds: ['bash'] },
  sql: { load: () => import('highlight.js/lib/languages/sql'), aliases: [] },
  swift: { load: () => import('highlight.js/lib/languages/swift'), aliases: [] },
  typescript: { load: () => import('highlight.js/lib/languages/typescript'), aliases: ['ts', 'tsx', 'mts', 'cts'], embeds: ['xml', 'css', 'graphql'] },
  vbnet: { load: () => import('highlight.js/lib/languages/vbnet'), aliases: ['vb'] },
  wasm: { load: () => import('highlight.js/lib/languages/wasm'), aliases: [] },
  xml: {
    load: () => import('highlight.js/lib/languages/xml'),
    aliases: ['html', 'xhtml', 'rss', 'atom', 'xjb', 'xsd', 'xsl', 'plist', 'wsf', 'svg'],
    embeds: ['css', 'javascript'],
  },
  yaml: { load: () => import('highlight.js/lib/languages/yaml'), aliases: ['yml'], embeds: ['ruby'] },
};

/** Every name and alias, lower case, to its language (a Map: a fence named "constructor" is no language). */
const BY_NAME = new Map<string, string>();
for (const [name, language] of Object.entries(TABLE)) {
  BY_NAME.set(name, name);
  for (const alias of language.aliases) BY_NAME.set(alias, name);
}

/** The language a fence's name stands for ("ts", "TypeScript", "c++" → its key), as highlight.js resolves it. */
export function languageOf(fenceName: string): string | undefined {
  return BY_NAME.get(fenceName.toLowerCase());
}

/** The languages to load before `language` highlights as it did with every language bundled: itself and all it embeds. */
export function languagesNeeded(language: string): string[] {
  const out: string[] = [];
  const visit = (name: string) => {
    if (out.includes(name) || !TABLE[name]) return;
    out.push(name);
    for (const embedded of TABLE[name].embeds ?? []) visit(embedded);
  };
  visit(language);
  return out;
}

/** Loads one grammar (its chunk). */
export function loadGrammar(language: string): Promise<LanguageFn> {
  const entry = Object.hasOwn(TABLE, language) ? TABLE[language] : undefined;
  if (!entry) return Promise.reject(new Error(`No highlight.js language ${language}`));
  return entry.load().then((module) => module.default);
}

/** Every language's key and aliases (the unit tests compare them with highlight.js/lib/common). */
export function languageTable(): Array<{ name: string; aliases: readonly string[]; embeds: readonly string[] }> {
  return Object.entries(TABLE).map(([name, l]) => ({ name, aliases: l.aliases, embeds: l.embeds ?? [] }));
}
