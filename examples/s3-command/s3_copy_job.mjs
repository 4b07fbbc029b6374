// A job of one's own that uses S3 through the {s3...} placeholders (engine "command", services ["s3"]):
// counts the words of each input file and writes the counts as one object per input file,
// <prefix>out/<file>.json, with a plain S3 PUT (idempotent by key: a rerun after a kill rewrites the
// same object, so the output is exactly-once). It pauses between files so a random kill lands mid-run.
//   node s3_copy_job.mjs INPUT_DIR ENDPOINT BUCKET PREFIX   (keys in S3_ACCESS_KEY / S3_SECRET_KEY)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'minio';

const [input, endpoint, bucket, prefix] = process.argv.slice(2);
const url = new URL(endpoint);
const s3 = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: url.protocol === 'https:', accessKey: process.env.S3_ACCESS_KEY, secretKey: process.env.S3_SECRET_KEY, pathStyle: true, region: 'us-east-1' });
for (const name of fs.readdirSync(input).sort()) {
  const counts = {};
  for (const w of fs.readFileSync(path.join(input, name), 'utf8').split('\n').filter(Boolean)) counts[w] = (counts[w] ?? 0) + 1;
  const body = Object.entries(counts).sort().map(([word, n]) => JSON.stringify({ file: name, word, n })).join('\n') + '\n';
  await s3.putObject(bucket, `${prefix}out/${name}.json`, Buffer.from(body));
  await new Promise((r) => setTimeout(r, 400));
}
