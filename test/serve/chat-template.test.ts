// Chat templates rendered by @huggingface/jinja (through ChatRenderer) give the very strings
// transformers' apply_chat_template gives: the real Qwen2.5-Instruct template from
// ../shared/data (default system prompt, tool calls with tojson, tool responses) and kindling's ChatML.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT, sharedDataDir } from '../../src/paths.js';
import { ChatRenderer, parseMessages } from '../../src/serve/index.js';
import { byteLevelTokenizer, CHATML_TEMPLATE } from '../../src/tokenizer/index.js';
import { PYTHON } from '../peers.js';

const QWEN_TEMPLATE = readFileSync(
  join(sharedDataDir(), 'tokenizers', 'qwen2.5', 'Qwen-Qwen2.5-7B-Instruct.jinja'),
  'utf8',
);
const tmp = mkdtempSync(join(tmpdir(), 'kindling-chat-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const CASES: { messages: unknown[]; add_generation_prompt: boolean }[] = [
  { messages: [{ role: 'user', content: 'Who is a knight?' }], add_generation_prompt: true },
  {
    messages: [
      { role: 'system', content: 'Answer in one word.' },
      { role: 'user', content: 'Zoey says: "Oliver is a knave."' },
      { role: 'assistant', content: 'Knight.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Why?' },
          { type: 'text', text: 'Be brief — ünïcödé too.' },
        ],
      },
    ],
    add_generation_prompt: true,
  },
  {
    messages: [
      { role: 'user', content: 'What is 2+2?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ type: 'function', function: { name: 'add', arguments: { a: 2, b: [2, 'x'] } } }],
      },
      { role: 'tool', content: '4' },
      { role: 'tool', content: 'done' },
      { role: 'assistant', content: 'It is 4.' },
    ],
    add_generation_prompt: false,
  },
];

/** transformers' rendering of CASES with `template` (saved into a tokenizer folder it loads). */
function reference(template: string, name: string, cases = CASES): string[] {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run \`bash scripts/setup.sh --peers\``);
  const dir = join(tmp, name);
  byteLevelTokenizer(undefined, { chatTemplate: template }).save(dir);
  const out = execFileSync(PYTHON, [join(REPO_ROOT, 'test', 'serve', 'hf_chat_template.py')], {
    // both sides get the messages as the server passes them to the template (text parts joined)
    input: JSON.stringify({ dir, cases: cases.map((c) => ({ ...c, messages: parseMessages(c.messages) })) }),
    encoding: 'utf8',
    env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return JSON.parse(out) as string[];
}

function ours(template: string, cases = CASES): string[] {
  const r = new ChatRenderer(template, {
    eos_token: '<|endoftext|>',
    pad_token: '<|endoftext|>',
    bos_token: null,
    unk_token: null,
  });
  return cases.map((c) => r.render(parseMessages(c.messages), { addGenerationPrompt: c.add_generation_prompt }));
}

describe('chat templates match transformers.apply_chat_template', () => {
  it('the Qwen2.5-Instruct template (default system prompt, tool calls, tool responses)', () => {
    const mine = ours(QWEN_TEMPLATE);
    assert.deepEqual(mine, reference(QWEN_TEMPLATE, 'qwen'));
    assert.ok(mine[0]!.startsWith('<|im_start|>system\nYou are Qwen, created by Alibaba Cloud.'));
    assert.ok(mine[0]!.endsWith('<|im_start|>user\nWho is a knight?<|im_end|>\n<|im_start|>assistant\n'));
  });

  it("kindling's ChatML template", () => {
    const plain = CASES.slice(0, 2); // ChatML has no tool calls (a null content fails in both)
    const mine = ours(CHATML_TEMPLATE, plain);
    assert.deepEqual(mine, reference(CHATML_TEMPLATE, 'chatml', plain));
    assert.equal(mine[0], '<|im_start|>user\nWho is a knight?<|im_end|>\n<|im_start|>assistant\n');
  });

  it('bad messages and broken templates fail with clear errors', () => {
    assert.throws(() => parseMessages([]), /'messages' must be a non-empty list/);
    assert.throws(() => parseMessages([{ role: 'wizard', content: 'x' }]), /messages\[0\]\.role must be one of/);
    assert.throws(() => parseMessages([{ role: 'user' }]), /messages\[0\]\.content is required/);
    assert.throws(() => parseMessages([{ role: 'user', content: [{ type: 'image_url' }] }]), /only \{"type": "text"/);
    assert.throws(
      () => new ChatRenderer('{% for %}', {}, 'x/tokenizer_config.json'),
      /x\/tokenizer_config.json: the chat template does not parse/,
    );
    const strict = new ChatRenderer("{{ raise_exception('roles must alternate') }}", {});
    assert.throws(
      () => strict.render([{ role: 'user', content: 'a' }]),
      /the chat template rejected the messages: .*roles must alternate/,
    );
  });
});
