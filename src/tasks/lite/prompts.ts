// Prompts of the mini domains. 'paper' is the paper's templates exactly (src/tasks/prompts.ts);
// 'short' (the default) keeps the paper's sentences word for word but drops the ones that repeat
// the format instructions, because the demo model has a 512–1024-token context and the paper's
// prompts cost several hundred of its tokens. Both end with "Assistant: <think>" (the paper's eval
// templates for math add "\n"; the short form uses one template for training and evaluation).
import { fillTemplate, formatOptions, PAPER_PROMPTS } from '../prompts.js';
import type { PromptOptions } from '../types.js';

export type PromptStyle = 'short' | 'paper';
export const PROMPT_STYLES: readonly PromptStyle[] = ['short', 'paper'];

const HEAD = 'A conversation between User and Assistant. The user asks a question, and the Assistant solves it.';
const TAGS =
  'The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e.,';

export const SHORT_PROMPTS = {
  math: `${HEAD} ${TAGS} <think> reasoning process here </think> <answer> final answer inside \\boxed{} tag </answer>.\nUser: {{prompt}}\nAssistant: <think>`,
  code: `${HEAD} ${TAGS} <think> reasoning process here </think> <answer> final code answer inside </answer>.\nUser: Complete the function based on the given docstring. You must put your final answer (full function with all necessary imports) inside <answer> \`\`\`python (code) \`\`\`</answer> tags.\n{{prompt}}Assistant: <think>`,
  mcq: `${HEAD} ${TAGS} <think> reasoning process here </think><answer> answer here </answer>.\nUser: The following is a multiple choice question about {{category}}. Think step by step and then finish your answer with <answer> \\boxed{X} </answer> where X is the correct letter choice.\n{{question}}\nOptions:\n{{options}}Assistant: <think>`,
} as const;

export function checkStyle(style: string): PromptStyle {
  if (!(PROMPT_STYLES as readonly string[]).includes(style))
    throw new Error(`unknown prompt style '${style}' (expected ${PROMPT_STYLES.join(' or ')})`);
  return style as PromptStyle;
}

export function mathPrompt(problem: string, style: PromptStyle, p: PromptOptions): string {
  return fillTemplate(style === 'paper' ? PAPER_PROMPTS.math[p.mode] : SHORT_PROMPTS.math, { prompt: problem });
}

export function codePrompt(prompt: string, style: PromptStyle, p: PromptOptions): string {
  return fillTemplate(style === 'paper' ? PAPER_PROMPTS.code[p.mode] : SHORT_PROMPTS.code, { prompt });
}

export function mcqPrompt(
  e: { category: string; question: string; options: readonly string[] },
  style: PromptStyle,
  p: PromptOptions,
): string {
  return fillTemplate(style === 'paper' ? PAPER_PROMPTS.mmluPro[p.mode] : SHORT_PROMPTS.mcq, {
    category: e.category,
    question: e.question,
    options: formatOptions(e.options),
  });
}
