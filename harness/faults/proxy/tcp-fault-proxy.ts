/**
 * A TCP proxy in front of a service (S3 endpoint, Kafka broker) that the nemesis switches between
 * faults while clients stay connected through it:
 *   pass        forward bytes both ways
 *   latency     forward every chunk `ms` later (both directions, order kept)
 *   reset       reset every open connection now, and reset new ones on accept (refused service)
 *   blackhole   accept and hold connections but forward nothing (a partition or a frozen server:
 *               the client sees no error, only silence — the case that hangs clients without deadlines)
 * `blackhole(ms)` / `reset(ms)` go back to pass after `ms`; leaving a blackhole resets the connections
 * it held, as a real network would after the peers' retransmission timers ran out.
 */
import * as net from 'node:net';

export type ProxyMode = { type: 'pass' } | { type: 'latency'; ms: number } | { type: 'reset' } | { type: 'blackhole' };

export interface ProxyTarget {
  host: string;
  port: number;
}

export interface ProxyStats {
  accepted: number;
  reset: number;
  open: number;
  bytesUp: number;
  bytesDown: number;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket | undefined;
}

export class TcpFaultProxy {
  private current: ProxyMode = { type: 'pass' };
  private readonly pairs = new Set<Pair>();
  private revertTimer: NodeJS.Timeout | undefined;
  private readonly counters = { accepted: 0, reset: 0, bytesUp: 0, bytesDown: 0 };

  private constructor(
    private readonly server: net.Server,
    private currentTarget: ProxyTarget,
    readonly host: string,
    readonly port: number,
  ) {}

  get target(): ProxyTarget {
    return this.currentTarget;
  }

  /**
   * Send new connections to another upstream (a restarted container may come back on another
   * host port); clients keep the proxy's stable address. Open connections are reset.
   */
  retarget(target: ProxyTarget): void {
    this.currentTarget = target;
    this.resetOpenConnections();
  }

  static async start(opts: { target: ProxyTarget; port?: number; host?: string }): Promise<TcpFaultProxy> {
    const host = opts.host ?? '127.0.0.1';
    let proxy: TcpFaultProxy | undefined;
    const server = net.createServer((socket) => proxy!.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
    proxy = new TcpFaultProxy(server, opts.target, host, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  /** `host:port` clients connect to instead of the target. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get mode(): ProxyMode {
    return this.current;
  }

  stats(): ProxyStats {
    return { ...this.counters, open: this.pairs.size };
  }

  pass(): void {
    this.setMode({ type: 'pass' });
  }

  latency(ms: number): void {
    this.setMode({ type: 'latency', ms });
  }

  /** Reset every open connection and refuse new ones (with RST) for `forMs`, or until the next mode change. */
  reset(forMs?: number): void {
    this.setMode({ type: 'reset' }, forMs);
    for (const pair of this.pairs) this.destroyPair(pair, true);
  }

  /** Reset the connections open now; new ones are served in the current mode. */
  resetOpenConnections(): void {
    for (const pair of this.pairs) this.destroyPair(pair, true);
  }

  /** Forward nothing for `forMs` (or until the next mode change); then reset what was held. */
  blackhole(forMs?: number): void {
    this.setMode({ type: 'blackhole' }, forMs);
  }

  setMode(mode: ProxyMode, forMs?: number): void {
    clearTimeout(this.revertTimer);
    this.revertTimer = undefined;
    const leavingBlackhole = this.current.type === 'blackhole' && mode.type !== 'blackhole';
    this.current = mode;
    if (leavingBlackhole) {
      for (const pair of this.pairs) this.destroyPair(pair, true);
    }
    if (forMs !== undefined) {
      this.revertTimer = setTimeout(() => this.pass(), forMs);
    }
  }

  private accept(client: net.Socket): void {
    this.counters.accepted++;
    const pair: Pair = { client, upstream: undefined };
    this.pairs.add(pair);
    client.on('error', () => this.destroyPair(pair, false));
    client.on('close', () => this.destroyPair(pair, false));
    if (this.current.type === 'reset') {
      this.destroyPair(pair, true);
      return;
    }
    const upstream = net.connect(this.currentTarget.port, this.currentTarget.host);
    pair.upstream = upstream;
    upstream.on('error', () => this.destroyPair(pair, true));
    upstream.on('close', () => this.destroyPair(pair, false));
    client.on('data', (chunk) => this.forward(pair, chunk, upstream, 'up'));
    upstream.on('data', (chunk) => this.forward(pair, chunk, client, 'down'));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  }

  private forward(pair: Pair, chunk: Buffer, to: net.Socket, dir: 'up' | 'down'): void {
    const mode = this.current;
    if (mode.type === 'blackhole') return; // swallowed, as by a dead link
    const write = () => {
      if (!this.pairs.has(pair) || to.destroyed) return;
      if (dir === 'up') this.counters.bytesUp += chunk.length;
      else this.counters.bytesDown += chunk.length;
      to.write(chunk);
    };
    if (mode.type === 'latency') setTimeout(write, mode.ms);
    else write();
  }

  private destroyPair(pair: Pair, withReset: boolean): void {
    if (!this.pairs.delete(pair)) return;
    if (withReset) this.counters.reset++;
    for (const s of [pair.client, pair.upstream]) {
      if (!s || s.destroyed) continue;
      if (withReset && typeof s.resetAndDestroy === 'function' && s.readyState !== 'opening') s.resetAndDestroy();
      else s.destroy();
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.revertTimer);
    for (const pair of this.pairs) this.destroyPair(pair, false);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
