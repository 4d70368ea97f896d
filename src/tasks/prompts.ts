// The paper's prompt templates (exact strings from ../shared/design/paper-prompts.json, embedded
// so the package works without the design folder). {{name}} placeholders are filled literally.

export const PAPER_PROMPTS = {
  kk: {
    trainAndTeacher:
      '\n    A conversation between User and Assistant. The user asks a question, and the Assistant solves it.\n    The assistant first thinks about the reasoning process in the mind and then provides the user with the answer.\n    The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively.\n    i.e., <think> reasoning process here </think> <answer> answer here </answer>.\n    User: Please solve this logical reasoning problem. After thinking, when you finally reach a conclusion, clearly state the identity of each character within <answer> </answer> tags i.e., <answer> (1) Zoey is a knight\n(2) ... </answer>. Here is my question,\n    \n    {{prompt}}\n    Assistant: <think>\n    ',
    responseTemplate: ' Assistant: <think>\n',
  },
  math: {
    train:
      'A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The assistant first thinks about the reasoning process in mind and then provides the user with the answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think> <answer> final answer inside \\boxed{} tag </answer>. User: You must put your answer inside <answer> </answer> tags, i.e., <answer> answer here </answer>. And your final answer will be extracted automatically by the \\boxed{} tag.\n    {{prompt}}\n    Assistant: <think>',
    eval: '\nA conversation between User and Assistant. The user asks a question, and the Assistant solves it.\nThe assistant first thinks about the reasoning process in the mind and then provides the user with the answer.\nThe reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively.\ni.e., <think> reasoning process here </think> <answer> answer here </answer>.\nUser: You must put your answer inside <answer> </answer> tags, i.e., <answer> answer here </answer>.\nAnd your final answer will be extracted automatically by the \\boxed{} tag.\n{{prompt}}\nAssistant: <think>\n',
  },
  code: {
    train:
      'A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The assistant first thinks about the reasoning process in mind and then provides the user with the answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think> <answer> final code answer inside </answer>. User: Complete the function based on the given docstring. You must put your final answer (full function with all necessary imports) inside <answer> ```python (code) ```</answer> tags, i.e., <answer> answer here </answer>. And your final answer will be extracted from within the <answer>```python (code)``` </answer> tags and executed.\n    {{prompt}}\n    Assistant: <think>',
    eval: 'A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The assistant first thinks about the reasoning process in mind and then provides the user with the answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think> <answer> final code answer inside </answer>. User: Complete the function based on the given docstring. You must put your final answer (full function with all necessary imports) inside <answer> ```python (code) ```</answer> tags, i.e., <answer> answer here </answer>. And your final answer will be extracted from within the <answer>```python (code)``` </answer> tags and executed.\n            {{prompt}}\n            Assistant: <think>',
  },
  mmluPro: {
    train:
      'A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think><answer> answer here </answer>. \n            User: The following are multiple choice questions (with answers) about {{category}}. Think step by step and then finish your answer with <answer> \\boxed{X} </answer> where X is the correct letter choice.\n            {{question}}\n            Options:\n            {{options}}\n            Assistant: <think>',
    eval: 'A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think><answer> answer here </answer>. \n                User: The following is a multiple choice question about {{category}}. Think step by step and then finish your answer with <answer> \\boxed{X} </answer> where X is the correct letter choice.\n                {{question}}\n                Options:\n                {{options}}\n                Assistant: <think>',
  },
  stops: {
    teacher: ['</answer>', 'User:', 'Assistant:'],
    eval: ['Question:', 'Assistant:', 'User:'],
  },
} as const;

/** Fills {{name}} placeholders; every other character stays literal. Unknown placeholders throw. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    const v = values[k];
    if (v === undefined) throw new Error(`template placeholder {{${k}}} has no value`);
    return v;
  });
}

/** MMLU-Pro options block: 'A. text' lines joined by '\n', a trailing '\n', 'N/A' options dropped first. */
export function formatOptions(options: readonly string[]): string {
  const kept = options.filter((o) => o !== 'N/A');
  return kept.map((o, i) => `${String.fromCharCode(65 + i)}. ${o}\n`).join('');
}
