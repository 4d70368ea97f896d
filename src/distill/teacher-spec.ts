// `--teacher` values: "symbolic", or "openai:URL#MODEL" (MODEL optional: the server's first model).
// A URL with no path gets /v1, where every OpenAI-compatible server (vLLM, SGLang, llama.cpp,
// Ollama, OpenAI, kindling serve) serves the API.

export type TeacherSpec = { kind: 'symbolic' } | { kind: 'openai'; baseURL: string; model?: string };

export function parseTeacherSpec(value: string): TeacherSpec {
  if (value === 'symbolic') return { kind: 'symbolic' };
  if (!value.startsWith('openai:'))
    throw new Error(
      `--teacher must be 'symbolic' or 'openai:URL#MODEL' (e.g. openai:http://127.0.0.1:8000/v1#Qwen/QwQ-32B), got '${value}'`,
    );
  const rest = value.slice('openai:'.length);
  const hash = rest.indexOf('#');
  const urlText = hash >= 0 ? rest.slice(0, hash) : rest;
  const model = hash >= 0 ? rest.slice(hash + 1) : '';
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw new Error(`--teacher: '${urlText}' is not a URL (expected openai:http://host:port/v1#MODEL)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`--teacher: the URL must be http or https, got '${url.protocol}'`);
  let base = url.toString().replace(/\/+$/, '');
  if (url.pathname === '/' || url.pathname === '') base += '/v1';
  return model ? { kind: 'openai', baseURL: base, model } : { kind: 'openai', baseURL: base };
}
