/**
 * Errors a user can act on. The CLI prints `message` (never a stack) and exits with `exitCode`:
 * 2 for bad usage, configuration, corrupt or incompatible checkpoints, unreachable services.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** Thrown by a failpoint armed with `throw`: the attempt fails like an I/O error would. */
export class InjectedFault extends Error {
  constructor(readonly failpoint: string) {
    super(`injected fault at failpoint ${failpoint}`);
    this.name = 'InjectedFault';
  }
}

/**
 * Simulation mode's stand-in for SIGKILL: unwinds the in-process engine. Whoever catches it must
 * throw the whole engine instance away and keep only what the store made durable.
 */
export class SimulatedCrash extends Error {
  constructor(readonly failpoint: string) {
    super(`simulated crash at failpoint ${failpoint}`);
    this.name = 'SimulatedCrash';
  }
}
