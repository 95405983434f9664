// The answer "scripting": which answers and follow-ups a question gets. The default answer is what `npm start`
// shows, so it must look like a real, helpful bot: a heading, a list, a fenced code block with a language.
// It quotes the question so tests can tell which question was answered.

import type { FakeBehavior } from './behavior';

export interface Script {
  answers: string[];
  followUps: string[];
}

/** Answers for `question` (the `turn`-th chat of its conversation, from 1) under `behavior`. */
export function scriptFor(question: string, turn: number, behavior: FakeBehavior): Script {
  const chinese = isChinese(question);
  const answers = behavior.answerFor[question] ?? behavior.answers ?? [defaultAnswer(question, turn)];
  const followUps = behavior.followUps ?? (chinese ? FOLLOW_UPS_ZH : FOLLOW_UPS_EN);
  return { answers: [...answers], followUps: [...followUps] };
}

const FOLLOW_UPS_EN = ['Can you show a more complete example?', 'What are the common pitfalls here?', 'How would I write a test for this?'];
const FOLLOW_UPS_ZH = ['能给一个更完整的例子吗？', '这里有哪些常见的坑？', '我该如何为它编写测试？'];

/** Long questions (a whole selected file) are cut in the quote; tests that need exact checks use short ones. */
const QUOTE_LIMIT = 500;

function isChinese(text: string): boolean {
  return /[\u4e00-\u9fff]/u.test(text);
}

function quote(question: string): string {
  if (question.trim() === '') return '_(no question was sent)_';
  const points = Array.from(question.trim());
  const text = points.length > QUOTE_LIMIT ? points.slice(0, QUOTE_LIMIT).join('') + '…' : points.join('');
  return text
    .split(/\r?\n/)
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
}

interface Sample {
  name: string;
  lang: string;
  code: string;
}

const SAMPLES: Array<{ match: RegExp; sample: Sample }> = [
  {
    match: /\bpython\b|\.py\b|\bdef /i,
    sample: {
      name: 'Python',
      lang: 'python',
      code: 'from pathlib import Path\n\n\ndef count_lines(path: str) -> int:\n    """Count the non-empty lines of a UTF-8 text file."""\n    text = Path(path).read_text(encoding="utf-8")\n    return sum(1 for line in text.splitlines() if line.strip())\n',
    },
  },
  {
    match: /\brust\b|\bcargo\b|\bfn /i,
    sample: {
      name: 'Rust',
      lang: 'rust',
      code: 'use std::fs;\n\nfn count_lines(path: &str) -> std::io::Result<usize> {\n    let text = fs::read_to_string(path)?;\n    Ok(text.lines().filter(|l| !l.trim().is_empty()).count())\n}\n',
    },
  },
  {
    match: /\bgolang\b|\bgo\b/i,
    sample: {
      name: 'Go',
      lang: 'go',
      code: 'func countLines(path string) (int, error) {\n\tdata, err := os.ReadFile(path)\n\tif err != nil {\n\t\treturn 0, err\n\t}\n\tn := 0\n\tfor _, line := range strings.Split(string(data), "\\n") {\n\t\tif strings.TrimSpace(line) != "" {\n\t\t\tn++\n\t\t}\n\t}\n\treturn n, nil\n}\n',
    },
  },
  {
    match: /\bsql\b|\bselect\b/i,
    sample: {
      name: 'SQL',
      lang: 'sql',
      code: 'SELECT author, COUNT(*) AS posts\nFROM articles\nWHERE published_at >= DATE \'2024-01-01\'\nGROUP BY author\nORDER BY posts DESC\nLIMIT 10;\n',
    },
  },
  {
    match: /\bbash\b|\bshell\b|\bzsh\b/i,
    sample: {
      name: 'Bash',
      lang: 'bash',
      code: '#!/usr/bin/env bash\nset -euo pipefail\n\n# Count the non-empty lines of every .md file under the current directory.\nfind . -name "*.md" -print0 | xargs -0 grep -c -v "^\\s*$"\n',
    },
  },
  {
    match: /\bjava\b(?!script)/i,
    sample: {
      name: 'Java',
      lang: 'java',
      code: 'static long countLines(Path path) throws IOException {\n    try (var lines = Files.lines(path, StandardCharsets.UTF_8)) {\n        return lines.filter(l -> !l.isBlank()).count();\n    }\n}\n',
    },
  },
];

const DEFAULT_SAMPLE: Sample = {
  name: 'TypeScript',
  lang: 'typescript',
  code: "import { readFile } from 'node:fs/promises';\n\n/** Count the non-empty lines of a UTF-8 text file. */\nexport async function countLines(path: string): Promise<number> {\n  const text = await readFile(path, 'utf8');\n  return text.split(/\\r?\\n/).filter((line) => line.trim() !== '').length;\n}\n",
};

function pickSample(question: string): Sample {
  return SAMPLES.find(({ match }) => match.test(question))?.sample ?? DEFAULT_SAMPLE;
}

/** The generated answer: Markdown that quotes the question, with a heading, a code block and a list. */
export function defaultAnswer(question: string, turn: number): string {
  const s = pickSample(question);
  const fence = '```';
  if (isChinese(question)) {
    return [
      '### 回答',
      '',
      quote(question),
      '',
      `下面用 **${s.name}** 给出一个简洁的示例：`,
      '',
      `${fence}${s.lang}\n${s.code}${fence}`,
      '',
      '**要点**',
      '',
      '1. 明确指定文本编码（UTF-8），避免中文乱码。',
      '2. 先处理错误情况，再处理正常流程。',
      '3. 大文件请逐行读取，而不是一次性读入内存。',
      '',
      `_这是本地模拟扣子服务器的示例回复（本会话第 ${turn} 轮）。_`,
    ].join('\n');
  }
  return [
    '### Answer',
    '',
    quote(question),
    '',
    `Here is a concise way to approach it in **${s.name}**:`,
    '',
    `${fence}${s.lang}\n${s.code}${fence}`,
    '',
    '**Key points**',
    '',
    '1. Be explicit about the text encoding (UTF-8).',
    '2. Handle the error path first, then the happy path.',
    '3. For large inputs, stream line by line instead of loading everything into memory.',
    '',
    `_Canned reply from the local fake Coze server (turn ${turn} of this conversation)._`,
  ].join('\n');
}
