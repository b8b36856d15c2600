// Which of a delivery's request headers go on to external plugins (hook/forward.ts). Its own
// file because the webhook records them: it stays free of the forwarding code.

/**
 * The request headers Prow's hook passes on (it forwards the incoming request's headers): the
 * ones GitHub sets on a delivery (https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers).
 * A fixed list rather than all of them, so that nothing a proxy or API Gateway added (client
 * addresses, trace ids) and no header a sender invents leaves Skiff.
 */
export const forwardedHeaderNames = [
  'content-type',
  'x-github-delivery',
  'x-github-event',
  'x-github-hook-id',
  'x-github-hook-installation-target-id',
  'x-github-hook-installation-target-type',
  'x-github-enterprise-host',
  'x-github-enterprise-version',
  'x-hub-signature',
  'x-hub-signature-256',
] as const;

// GitHub's values are short (a sha256 signature is 71 characters); a longer one is no GitHub header.
const maxHeaderValue = 1024;

/** The headers of a received delivery to forward, lower-cased, from headers named in any case. */
export function headersToForward(headers: Record<string, string | undefined>): Record<string, string> {
  const wanted = new Set<string>(forwardedHeaderNames);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (wanted.has(key) && typeof value === 'string' && value.length <= maxHeaderValue) out[key] = value;
  }
  return out;
}
