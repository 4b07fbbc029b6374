// Output reader of s3-copy.json: prints every row of every object under <prefix>out/.
//   node s3_read_output.mjs ENDPOINT BUCKET PREFIX   (keys in S3_ACCESS_KEY / S3_SECRET_KEY)
import { Client } from 'minio';

const [endpoint, bucket, prefix] = process.argv.slice(2);
const url = new URL(endpoint);
const s3 = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: url.protocol === 'https:', accessKey: process.env.S3_ACCESS_KEY, secretKey: process.env.S3_SECRET_KEY, pathStyle: true, region: 'us-east-1' });
const names = [];
for await (const o of s3.listObjectsV2(bucket, `${prefix}out/`, true)) names.push(o.name);
for (const name of names.sort()) {
  const chunks = [];
  for await (const c of await s3.getObject(bucket, name)) chunks.push(c);
  process.stdout.write(Buffer.concat(chunks).toString('utf8'));
}
