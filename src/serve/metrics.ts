// Counters for GET /metrics (Prometheus text format): requests by route and status, and how
// generate() calls were batched — the evidence that concurrent requests share a forward pass.
import type { BatchInfo } from './batcher.js';

export class Metrics {
  readonly requests = new Map<string, number>();
  batches = 0;
  batchedRequests = 0;
  batchedRows = 0;
  generatedTokens = 0;
  promptTokens = 0;
  /** The most distinct requests one generate() call has served. */
  maxRequestsPerBatch = 0;
  maxRowsPerBatch = 0;
  /** generate() calls by how many requests they served. */
  readonly batchesBySize = new Map<number, number>();

  countRequest(route: string, status: number): void {
    const k = `route="${route}",status="${status}"`;
    this.requests.set(k, (this.requests.get(k) ?? 0) + 1);
  }

  countBatch(b: BatchInfo): void {
    this.batches++;
    this.batchedRequests += b.requests;
    this.batchedRows += b.rows;
    this.generatedTokens += b.generatedTokens;
    this.maxRequestsPerBatch = Math.max(this.maxRequestsPerBatch, b.requests);
    this.maxRowsPerBatch = Math.max(this.maxRowsPerBatch, b.rows);
    this.batchesBySize.set(b.requests, (this.batchesBySize.get(b.requests) ?? 0) + 1);
  }

  prometheus(): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, v] of samples) lines.push(`${name}${labels ? `{${labels}}` : ''} ${v}`);
    };
    metric('kindling_http_requests_total', 'counter', 'HTTP requests by route and status.', [...this.requests]);
    metric('kindling_generate_calls_total', 'counter', 'generate() calls (batches) run by the model worker.', [
      ['', this.batches],
    ]);
    metric('kindling_generate_batch_requests', 'counter', 'generate() calls by the number of requests they served.', [
      ...[...this.batchesBySize]
        .sort((a, b) => a[0] - b[0])
        .map(([size, n]): [string, number] => [`requests="${size}"`, n]),
    ]);
    metric('kindling_generate_batch_requests_max', 'gauge', 'Most requests served by one generate() call.', [
      ['', this.maxRequestsPerBatch],
    ]);
    metric(
      'kindling_generate_batch_rows_max',
      'gauge',
      'Most sequences (prompts × n) decoded by one generate() call.',
      [['', this.maxRowsPerBatch]],
    );
    metric('kindling_generate_rows_total', 'counter', 'Sequences decoded.', [['', this.batchedRows]]);
    metric('kindling_prompt_tokens_total', 'counter', 'Prompt tokens of answered requests.', [['', this.promptTokens]]);
    metric('kindling_generation_tokens_total', 'counter', 'Tokens generated.', [['', this.generatedTokens]]);
    return `${lines.join('\n')}\n`;
  }
}
