// Posts signed deliveries to Skiff's /hook over keep-alive HTTP/1.1 connections (node:http with
// an Agent, lighter per request than fetch, so the client adds as little as possible to the
// latency it measures). Every request has a timeout: a stuck server shows up as an error.
import { Agent, request } from 'node:http';
import { sign } from '@octokit/webhooks-methods';

export interface Delivery {
  event: string;
  delivery: string;
  /** The exact JSON text that is signed and sent. */
  body: string;
  /** `sha256=…`; computed from the secret when absent. */
  signature?: string;
}

export interface PostResult {
  status: number;
  /** Response text, or the error message when the request failed (status 0). */
  text: string;
}

export class WebhookClient {
  readonly agent: Agent;
  private readonly hook: URL;
  private readonly timeoutMs: number;

  constructor(
    baseUrl: string,
    private readonly secret: string,
    options: { maxSockets?: number; timeoutMs?: number } = {},
  ) {
    this.hook = new URL('/hook', baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  sign(body: string): Promise<string> {
    return sign(this.secret, body);
  }

  /** Sends one delivery; resolves (never rejects) with the status, 0 for a transport error. */
  async post(delivery: Delivery): Promise<PostResult> {
    const signature = delivery.signature ?? (await this.sign(delivery.body));
    return new Promise<PostResult>((resolve) => {
      const req = request(
        this.hook,
        {
          method: 'POST',
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(delivery.body),
            'user-agent': 'GitHub-Hookshot/bench',
            'x-github-event': delivery.event,
            'x-github-delivery': delivery.delivery,
            'x-hub-signature-256': signature,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (error) => resolve({ status: 0, text: error.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no response within ${this.timeoutMs} ms`)));
      req.on('error', (error) => resolve({ status: 0, text: error.message }));
      req.end(delivery.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
