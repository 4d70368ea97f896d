// Chat messages → prompt text through the model's own chat template (tokenizer_config.json's
// `chat_template`), rendered by @huggingface/jinja — Hugging Face's JavaScript Jinja, written to
// render exactly the templates transformers' apply_chat_template renders.
import { Template } from '@huggingface/jinja';
import { badField } from './errors.js';

export interface ChatMessage {
  role: string;
  content: string | null;
  [extra: string]: unknown;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** The OpenAI `messages` field → plain messages (text parts of a content list joined by newlines, as vLLM does). */
export function parseMessages(v: unknown): ChatMessage[] {
  if (v === undefined || v === null) throw badField('messages', "'messages' is required", 'missing_required_parameter');
  if (!Array.isArray(v) || v.length === 0) throw badField('messages', "'messages' must be a non-empty list");
  return v.map((m, i) => {
    const param = `messages[${i}]`;
    if (!m || typeof m !== 'object' || Array.isArray(m))
      throw badField(param, `${param} must be an object with 'role' and 'content'`);
    const { role, content, ...rest } = m as Record<string, unknown>;
    if (typeof role !== 'string' || !ROLES.has(role))
      throw badField(
        `${param}.role`,
        `${param}.role must be one of ${[...ROLES].join(', ')}, got ${JSON.stringify(role)}`,
      );
    let text: string | null;
    if (typeof content === 'string') text = content;
    else if (content === null || content === undefined) {
      if (role !== 'assistant') throw badField(`${param}.content`, `${param}.content is required for role '${role}'`);
      text = null;
    } else if (Array.isArray(content)) {
      text = content
        .map((part, j) => {
          const p = part as { type?: unknown; text?: unknown };
          if (p?.type !== 'text' || typeof p.text !== 'string')
            throw badField(
              `${param}.content[${j}]`,
              `${param}.content[${j}]: only {"type": "text", "text": …} parts are supported`,
            );
          return p.text;
        })
        .join('\n');
    } else throw badField(`${param}.content`, `${param}.content must be a string or a list of text parts`);
    return { ...rest, role, content: text };
  });
}

export interface ChatTemplateTokens {
  bos_token?: string | null;
  eos_token?: string | null;
  pad_token?: string | null;
  unk_token?: string | null;
}

export class ChatRenderer {
  readonly #template: Template;
  readonly #tokens: ChatTemplateTokens;

  /** Throws (naming `source`) when the template does not parse. */
  constructor(template: string, tokens: ChatTemplateTokens, source = 'chat_template') {
    try {
      this.#template = new Template(template);
    } catch (e) {
      throw new Error(`${source}: the chat template does not parse: ${(e as Error).message}`);
    }
    this.#tokens = tokens;
  }

  /**
   * The prompt text. Template errors (raise_exception, e.g. "roles must alternate") are the
   * request's fault: they become 400s naming `messages`.
   */
  render(
    messages: readonly ChatMessage[],
    o: { addGenerationPrompt?: boolean; kwargs?: Record<string, unknown> } = {},
  ): string {
    try {
      return this.#template.render({
        ...this.#tokens,
        ...o.kwargs,
        messages,
        add_generation_prompt: o.addGenerationPrompt ?? true,
      });
    } catch (e) {
      throw badField('messages', `the chat template rejected the messages: ${(e as Error).message}`);
    }
  }
}
