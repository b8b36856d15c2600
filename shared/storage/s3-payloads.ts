// Webhook bodies too large for an SQS message; the bucket expires them after a day.
//
// The S3 client is loaded on first use: oversized payloads are rare, and importing
// @aws-sdk/client-s3 costs ~100 ms of a cold start in functions that may never need it.
import type { S3Client } from '@aws-sdk/client-s3';
import { firstUse, type ClientSource } from './client-source.js';
import type { PayloadRef, PayloadStore } from './ports.js';

export type S3ClientSource = ClientSource<S3Client>;

export class S3Payloads implements PayloadStore {
  private readonly s3: () => Promise<S3Client>;

  constructor(
    source: S3ClientSource,
    private readonly bucket: string,
  ) {
    this.s3 = firstUse(source);
  }

  async put(key: string, body: string): Promise<PayloadRef> {
    const [s3, { PutObjectCommand }] = await Promise.all([this.s3(), import('@aws-sdk/client-s3')]);
    await s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }));
    return { bucket: this.bucket, key };
  }

  async get(ref: PayloadRef): Promise<string> {
    const [s3, { GetObjectCommand }] = await Promise.all([this.s3(), import('@aws-sdk/client-s3')]);
    const object = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
    if (!object.Body) throw new Error(`payload s3://${ref.bucket}/${ref.key} is empty`);
    return object.Body.transformToString('utf-8');
  }
}

/** An S3 client built on first use, from the runtime's configuration. */
export const lazyS3Client = () => async () => new (await import('@aws-sdk/client-s3')).S3Client({});
