/**
 * The nemesis for one engine process: strikes from outside while watching the process's events.
 * - kill-random: SIGKILL the driver `delayMs` after its n-th event (a random instant of the run);
 * - kill-executor: SIGKILL one executor process (pid from `executor.started`) once the driver has
 *   started executors and reached its n-th event — or, armed at an executor failpoint, record the
 *   executor's own crash there (its `failpoint.fired` / `executor.lost`);
 * - storage-restart / storage-outage: once S3 is open (`services.opened`) and the n-th event has
 *   passed, SIGKILL the S3 server and restart it, or cut it off through the TCP fault proxy;
 * - broker-restart: once Kafka is open and the n-th event has passed — or, mid-transaction, when the
 *   engine reports it is held at `sink.before-rename` (rows sent, not committed) — SIGKILL the
 *   Kafka broker and restart it on the same data `downMs` later;
 * - zombie: after the n-th event, SIGSTOP the engine (or leave it running) and have the driver start
 *   its successor on the same checkpoint; SIGCONT it once the successor is under way. It must NOT
 *   kill the zombie: whether the engine fences it is what the fault tests;
 * - failpoint faults strike from inside (the engine SIGKILLs itself); they are recorded from
 *   their `failpoint.fired` event.
 */
import type { EngineEvent } from '../../engine/index.js';
import type { Fault, FaultHit } from '../history.js';
import type { EngineProcess } from '../process/engine-process.js';
import type { ServiceHandle } from '../services/types.js';
import { failpointOf } from './failpoint-spec.js';

export interface ProcessNemesis {
  onEvent(event: EngineEvent, n: number, proc: EngineProcess): void;
  /** What struck, in order. */
  readonly hits: FaultHit[];
  /** Stop a pending strike (the process is gone). */
  disarm(): void;
  /** After the process ended: bring a service the nemesis took down back (restart it, end the outage). */
  settle(): Promise<void>;
  /** Zombie fault: let a paused zombie run again (SIGCONT), saying when; a no-op when it is not paused. */
  resumeZombie(when: string): void;
}

export interface NemesisServices {
  /** The S3 server of the run (storage faults need it; storage-outage also needs its proxy). */
  storage?: ServiceHandle;
  /** The run's Kafka broker (broker-restart). */
  broker?: ServiceHandle;
  /** Zombie fault: start the successor incarnation now; returns its pid. */
  startSuccessor?: () => number;
}

export function processNemesis(fault: Fault | undefined, services: NemesisServices = {}): ProcessNemesis {
  const hits: FaultHit[] = [];
  const executors = new Map<number, number>(); // executorId -> pid
  const armedInside = failpointOf(fault) !== undefined;
  let timer: NodeJS.Timeout | undefined;
  let storageOpened = false;
  let storageDown: Promise<void> | undefined;
  let outageOn = false;
  const storage = services.storage;
  const broker = services.broker;
  let brokerDown: Promise<void> | undefined;
  let zombie: { proc: EngineProcess; paused: boolean; hit: FaultHit } | undefined;

  function strikeBroker(f: Extract<Fault, { kind: 'broker-restart' }>, where: string): void {
    if (!broker || brokerDown) return;
    hits.push({ kind: 'broker-restart', where: `${broker.name} broker killed ${where}, down ${f.downMs}ms`, at: Date.now() });
    brokerDown = (async () => {
      await broker.kill();
      await new Promise((r) => setTimeout(r, f.downMs));
      await broker.restart();
    })();
    brokerDown.catch(() => {}); // surfaced by settle()
  }

  function strikeStorage(f: Extract<Fault, { kind: 'storage-restart' | 'storage-outage' }>, n: number): void {
    if (!storage) return;
    if (f.kind === 'storage-restart') {
      hits.push({ kind: 'storage-restart', where: `${storage.name} killed after event #${n}, down ${f.downMs}ms`, at: Date.now() });
      storageDown = (async () => {
        await storage.kill();
        await new Promise((r) => setTimeout(r, f.downMs));
        await storage.restart();
      })();
      storageDown.catch(() => {}); // surfaced by settle()
      return;
    }
    const proxy = storage.proxy;
    if (!proxy) return;
    hits.push({ kind: 'storage-outage', where: `${storage.name} ${f.mode}${f.mode === 'latency' ? ` ${f.latencyMs ?? 50}ms` : ''} for ${f.forMs}ms after event #${n}`, at: Date.now() });
    outageOn = true;
    if (f.mode === 'blackhole') proxy.blackhole(f.forMs);
    else if (f.mode === 'reset') proxy.reset(f.forMs);
    else proxy.setMode({ type: 'latency', ms: f.latencyMs ?? 50 }, f.forMs);
  }

  return {
    hits,
    disarm() {
      if (timer) clearTimeout(timer);
    },
    async settle() {
      if (timer) clearTimeout(timer);
      if (storageDown) await storageDown;
      if (brokerDown) await brokerDown;
      // The next incarnation starts against a healthy service: the outage ends with this process.
      if (outageOn) storage?.proxy?.pass();
    },
    resumeZombie(when) {
      if (!zombie?.paused) return;
      zombie.paused = false;
      zombie.hit.where += `, resumed (SIGCONT) ${when}`;
      zombie.proc.kill('SIGCONT', { group: true });
    },
    onEvent(event, n, proc) {
      if (event.type === 'executor.started') executors.set(event.executorId, event.pid);
      if (event.type === 'executor.lost') executors.delete(event.executorId);
      if (event.type === 'services.opened') storageOpened = true;
      if (event.type === 'failpoint.fired' && fault && armedInside && fault.kind !== 'broker-restart') {
        // A dead-attempt-files fault's own kill of the restarted incarnation is a kill-failpoint strike (the planting is recorded by the restart loop).
        hits.push({ kind: fault.kind === 'dead-attempt-files' ? 'kill-failpoint' : fault.kind, where: event.name, at: event.t || Date.now(), failpoint: { name: event.name, occurrence: event.occurrence } });
      }
      if (fault?.kind === 'kill-executor' && fault.executorFailpoint) {
        // The first executor kills itself at its failpoint; the driver reports the loss.
        if (event.type === 'executor.lost' && !hits.some((h) => h.kind === 'kill-executor')) {
          hits.push({ kind: 'kill-executor', where: `executor pid ${event.pid} at ${fault.executorFailpoint}:${fault.executorOccurrence ?? 1}`, at: event.t || Date.now() });
        }
        return;
      }
      if (fault?.kind === 'broker-restart' && fault.midTransaction && event.type === 'failpoint.fired' && event.name === 'sink.before-rename') {
        strikeBroker(fault, `mid-transaction (batch rows sent, not committed; ${event.name}:${event.occurrence})`);
        return;
      }
      if (!fault || timer || storageDown || outageOn || brokerDown || zombie) return;
      if (fault.kind === 'broker-restart' && !fault.midTransaction && storageOpened && n >= fault.afterEvents && event.type !== 'engine.finished') {
        strikeBroker(fault, `after event #${n}`);
        return;
      }
      if (fault.kind === 'zombie' && n === fault.afterEvents && event.type !== 'engine.finished' && services.startSuccessor) {
        if (fault.pause) proc.kill('SIGSTOP', { group: true });
        const hit: FaultHit = { kind: 'zombie', where: `${fault.pause ? 'paused (SIGSTOP)' : 'left running'} after event #${n}`, at: Date.now() };
        hits.push(hit);
        zombie = { proc, paused: fault.pause, hit };
        const successor = services.startSuccessor();
        hit.where += `; successor pid ${successor} started on the same checkpoint`;
        return;
      }
      if (fault.kind === 'kill-random' && n === fault.afterEvents) {
        timer = setTimeout(() => {
          hits.push({ kind: 'kill-random', where: `event #${n} +${fault.delayMs}ms`, at: Date.now() });
          proc.kill('SIGKILL');
        }, fault.delayMs);
      }
      if (fault.kind === 'kill-executor' && n >= fault.afterEvents && executors.size > 0) {
        const ids = [...executors.keys()].sort((a, b) => a - b);
        const pid = executors.get(ids[fault.executor % ids.length]!)!;
        timer = setTimeout(() => {
          try {
            process.kill(pid, 'SIGKILL');
            hits.push({ kind: 'kill-executor', where: `executor pid ${pid} after event #${n}`, at: Date.now() });
          } catch {
            // the executor is already gone
          }
        }, 0);
      }
      if ((fault.kind === 'storage-restart' || fault.kind === 'storage-outage') && storageOpened && n >= fault.afterEvents && event.type !== 'engine.finished') {
        strikeStorage(fault, n);
      }
    },
  };
}
