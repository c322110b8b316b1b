/**
 * Real DynamoDB and S3 implementations that run in Node (dynalite, s3rver), each started in a
 * child process on 127.0.0.1 (so they use the second core and never reach another host), for
 * the migration tests and benchmark. Clients get dummy credentials: neither server checks IAM.
 */
import { spawn, type ChildProcess } from 'child_process';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TENANT_KEY } from '../functions/shared/contracts';

export const LOCAL_REGION = 'eu-west-1';
export const DUMMY_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalAws {
  readonly dynamodbEndpoint: string;
  readonly s3Endpoint: string;
  dynamodb(): DynamoDBClient;
  s3(): S3Client;
  createTable(name: string, sortKey?: string): Promise<void>;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

async function startServer(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', path.join(__dirname, 'local-aws-server.js'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`local ${args[0]} server exited with ${code}: ${stderr}`)));
  });
  // A test that never calls stop() must not keep its process alive; when that process ends, the
  // server's standard input closes and it exits too.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  return { child, port };
}

/** Starts both servers; `stop` ends them and removes the S3 files. */
export async function startLocalAws(): Promise<LocalAws> {
  // Memory-backed when the machine has it: s3rver keeps every object in a file.
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, 'lz-s3-'));
  const [dynamo, s3] = await Promise.all([startServer(['dynamodb']), startServer(['s3', dir])]);
  const clients: Array<{ destroy(): void }> = [];
  const dynamodbEndpoint = `http://127.0.0.1:${dynamo.port}`;
  const s3Endpoint = `http://127.0.0.1:${s3.port}`;
  const local: LocalAws = {
    dynamodbEndpoint,
    s3Endpoint,
    dynamodb: () => {
      const c = localDynamoClient(dynamodbEndpoint);
      clients.push(c);
      return c;
    },
    s3: () => {
      const c = localS3Client(s3Endpoint);
      clients.push(c);
      return c;
    },
    async createTable(name, sortKey) {
      const keys = [{ AttributeName: TENANT_KEY, KeyType: 'HASH' as const }, ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : [])];
      await local.dynamodb().send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', KeySchema: keys, AttributeDefinitions: keys.map((k) => ({ AttributeName: k.AttributeName, AttributeType: 'S' })) }));
    },
    async createBucket(name) {
      await local.s3().send(new CreateBucketCommand({ Bucket: name }));
    },
    async stop() {
      for (const c of clients) c.destroy();
      for (const { child } of [dynamo, s3]) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin!.end();
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return local;
}

/** Credentials are accepted as given (a function providing them, or dummies). */
type Credentials = ConstructorParameters<typeof DynamoDBClient>[0] extends infer C ? (C extends { credentials?: infer X } ? X : never) : never;

export function localDynamoClient(endpoint: string, credentials: Credentials = DUMMY_CREDENTIALS): DynamoDBClient {
  return new DynamoDBClient({ region: LOCAL_REGION, endpoint, credentials, maxAttempts: 3 });
}

export function localS3Client(endpoint: string, credentials: Credentials = DUMMY_CREDENTIALS): S3Client {
  // Path-style addressing (no bucket subdomains of 127.0.0.1); checksums only where S3 requires them.
  return new S3Client({ region: LOCAL_REGION, endpoint, credentials, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', maxAttempts: 3 });
}
