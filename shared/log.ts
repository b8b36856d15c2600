// One structured logger for every function and local mode (Powertools: JSON lines, with the
// Lambda request id added when there is one). Secrets are never passed to it.
import { Logger } from '@aws-lambda-powertools/logger';

export type { Logger };

export const createLogger = (options: { serviceName?: string; logLevel?: string } = {}): Logger =>
  new Logger({
    serviceName: options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'skiff',
    logLevel: (options.logLevel ?? process.env.LOG_LEVEL ?? 'INFO') as 'INFO',
  });
