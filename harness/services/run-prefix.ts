/** A key prefix unique to one harness run, so runs sharing a bucket never see each other's checkpoints. */
import { randomBytes } from 'node:crypto';

export function runPrefix(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `chaos-runs/${stamp}-${randomBytes(3).toString('hex')}`;
}
