// The ChatML chat template (the format of Qwen2.5-Instruct: `<|im_start|>role\n…<|im_end|>\n`)
// for the tokenizers kindling builds, so `kindling serve` can answer /v1/chat/completions on a
// model whose tokenizer has `<|im_start|>` and `<|im_end|>`. No default system prompt is injected:
// a small model trained here has never seen Qwen's.
export const CHATML_TEMPLATE =
  '{%- for message in messages %}' +
  "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  '{%- endfor %}' +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";
