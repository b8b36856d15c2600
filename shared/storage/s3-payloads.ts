import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PayloadRef, PayloadStore } from './ports.js';

/** Webhook bodies too large for an SQS message; the bucket expires them after a day. */
export class S3Payloads implements PayloadStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: string): Promise<PayloadRef> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }));
    return { bucket: this.bucket, key };
  }

  async get(ref: PayloadRef): Promise<string> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
    if (!object.Body) throw new Error(`payload s3://${ref.bucket}/${ref.key} is empty`);
    return object.Body.transformToString('utf-8');
  }
}
