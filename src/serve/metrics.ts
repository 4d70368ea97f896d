// Counters for GET /metrics (Prometheus text format): requests by route and status, how
// generate() calls were batched (static) or how the decode loop runs (continuous: queue, running
// rows, tokens/s, time to first token, cancelled rows).
import type { BatchInfo } from './batcher.js';
import type { StepMessage } from './worker-protocol.js';

/** Time-to-first-token histogram buckets, seconds. */
const TTFT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** tokens/s is measured over this window. */
const RATE_WINDOW_MS = 10_000;

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
  /** Continuous batching: decode steps, and the latest step's counts. */
  steps = 0;
  cancelledRows = 0;
  cancelledWaiting = 0;
  /** Requests whose client went away before the answer. */
  cancelledRequests = 0;
  /** Connections refused because the server was at its connection limit. */
  refusedConnections = 0;
  readonly ttftCounts = TTFT_BUCKETS.map(() => 0);
  ttftSum = 0;
  ttftCount = 0;
  readonly #recent: [number, number][] = [];

  constructor(
    /** Jobs waiting and rows running, read when /metrics is asked. */
    private readonly load: () => { queued: number; running: number } = () => ({ queued: 0, running: 0 }),
  ) {}

  /** The most rows one continuous decode step has run. */
  maxRunningRows = 0;

  countStep(m: StepMessage): void {
    this.steps++;
    this.maxRunningRows = Math.max(this.maxRunningRows, m.running);
    this.generatedTokens += m.generated;
    this.cancelledRows = m.cancelledRows;
    this.cancelledWaiting = m.cancelledWaiting;
    this.#tokens(m.generated);
  }

  #tokens(n: number): void {
    const t = Date.now();
    this.#recent.push([t, n]);
    while (this.#recent.length > 0 && this.#recent[0]![0] < t - RATE_WINDOW_MS) this.#recent.shift();
  }

  /** Tokens generated per second over the last 10 s. */
  tokensPerSecond(): number {
    const t = Date.now();
    const sum = this.#recent.reduce((s, [at, n]) => s + (at >= t - RATE_WINDOW_MS ? n : 0), 0);
    return sum / (RATE_WINDOW_MS / 1000);
  }

  observeTtft(seconds: number): void {
    this.ttftSum += seconds;
    this.ttftCount++;
    TTFT_BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.ttftCounts[i]!++;
    });
  }

  countRequest(route: string, status: number): void {
    const k = `route="${route}",status="${status}"`;
    this.requests.set(k, (this.requests.get(k) ?? 0) + 1);
  }

  countBatch(b: BatchInfo): void {
    this.batches++;
    this.batchedRequests += b.requests;
    this.batchedRows += b.rows;
    this.generatedTokens += b.generatedTokens;
    this.#tokens(b.generatedTokens);
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
    const load = this.load();
    metric('kindling_queue_length', 'gauge', 'Jobs (prompts of requests) waiting to run.', [['', load.queued]]);
    metric('kindling_running_rows', 'gauge', 'Sequences being decoded now.', [['', load.running]]);
    metric('kindling_generation_tokens_per_second', 'gauge', 'Tokens generated per second over the last 10 s.', [
      ['', this.tokensPerSecond()],
    ]);
    metric('kindling_decode_steps_total', 'counter', 'Decode steps of the continuous batching loop.', [
      ['', this.steps],
    ]);
    metric('kindling_cancelled_rows_total', 'counter', 'Sequences dropped because their client went away.', [
      ['where="running"', this.cancelledRows],
      ['where="waiting"', this.cancelledWaiting],
    ]);
    metric('kindling_cancelled_requests_total', 'counter', 'Requests whose client went away before the answer.', [
      ['', this.cancelledRequests],
    ]);
    metric('kindling_refused_connections_total', 'counter', 'Connections closed at the connection limit.', [
      ['', this.refusedConnections],
    ]);
    lines.push(
      '# HELP kindling_time_to_first_token_seconds Time from request arrival to its first generated token.',
      '# TYPE kindling_time_to_first_token_seconds histogram',
      ...TTFT_BUCKETS.map((b, i) => `kindling_time_to_first_token_seconds_bucket{le="${b}"} ${this.ttftCounts[i]}`),
      `kindling_time_to_first_token_seconds_bucket{le="+Inf"} ${this.ttftCount}`,
      `kindling_time_to_first_token_seconds_sum ${this.ttftSum}`,
      `kindling_time_to_first_token_seconds_count ${this.ttftCount}`,
    );
    return `${lines.join('\n')}\n`;
  }
}
