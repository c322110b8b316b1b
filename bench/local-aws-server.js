'use strict';
/**
 * One local AWS stand-in in a process of its own, bound to 127.0.0.1 on a free port:
 *   node --openssl-legacy-provider bench/local-aws-server.js dynamodb
 *   node --openssl-legacy-provider bench/local-aws-server.js s3 <directory>
 * DynamoDB is dynalite (in memory); S3 is s3rver (files under <directory>). Prints
 * {"port": N} once listening; exits when its standard input closes (the parent is gone).
 * s3rver signs its continuation tokens with DES, which OpenSSL 3 keeps in its legacy
 * provider: hence the flag.
 */
const kind = process.argv[2];

async function start() {
  if (kind === 'dynamodb') {
    const server = require('dynalite')({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server.address().port;
  }
  if (kind === 's3') {
    const S3rver = require('@20minutes/s3rver');
    // s3rver checks SigV4 against the path without the trailing slash the SDK signs for
    // bucket-level calls; the credentials are dummies, so signatures are not checked.
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, allowMismatchedSignatures: true, directory: process.argv[3] });
    const address = await server.run();
    return address.port;
  }
  throw new Error(`unknown service ${kind}: dynamodb or s3`);
}

start().then(
  (port) => {
    process.stdout.write(`${JSON.stringify({ port })}\n`);
    process.stdin.resume();
    process.stdin.on('end', () => process.exit(0));
  },
  (error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
