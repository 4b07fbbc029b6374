/**
 * `--services auto|local|containers|external` → the run's Services. `auto` takes the installed real
 * services (Kafka broker, SeaweedFS: `npm run services:install`) when they cover the run, else
 * containers when a container runtime works, else local (s3rver for S3), and says which and why (a
 * stderr line and `summary.picked` / `summary.reason`). What each mode provides: local.ts, containers.ts, external.ts.
 */
import { UserError } from '../../engine/index.js';
import { detectContainerRuntime } from './container-runtime.js';
import { containerServices } from './containers.js';
import { externalServices } from './external.js';
import { localCoverage, localServices } from './local.js';
import type { ServiceRequest, Services } from './types.js';

export type { Services, ServiceRequest, ServiceHandle, ServicesSummary, ServicesMode } from './types.js';
export { EXTERNAL_ENV } from './external.js';

export async function resolveServices(req: ServiceRequest): Promise<Services> {
  const log = req.log ?? ((line: string) => process.stderr.write(line + '\n'));
  if (req.store === 'memory' && (req.source !== 'log' || (req.sink !== 'files' && req.sink !== 'append'))) {
    throw new UserError('--store memory is for in-process simulation over local parts only: use --source log and --sink files|append');
  }
  const needsService = req.store === 's3' || req.sink === 's3' || req.source === 'kafka' || req.sink === 'kafka';
  let services: Services;
  switch (req.services) {
    case 'local':
      services = await localServices(req, 'asked for local services');
      break;
    case 'external':
      services = await externalServices(req, 'asked for external services (endpoints from the environment)');
      break;
    case 'containers': {
      const runtime = await detectContainerRuntime();
      if (!runtime.available) {
        throw new UserError(`--services containers needs a container runtime: ${runtime.reason}. Start Docker, or use --services local`);
      }
      services = await containerServices(req, `asked for containers (runtime: ${runtime.via})`);
      break;
    }
    case 'auto': {
      if (!needsService) {
        // Nothing to provision: do not even look for Docker.
        services = await localServices(req, 'auto: the run needs no S3 or Kafka service');
        break;
      }
      // Installed real services first: owned processes, killable for real, no Docker needed.
      const local = localCoverage(req);
      if (local.complete) {
        services = await localServices(req, `auto: real services installed (${local.have.join(', ')}), preferred over containers and s3rver`);
        break;
      }
      const runtime = await detectContainerRuntime();
      services = runtime.available
        ? await containerServices(req, `auto: ${local.missing.join('; ')}; container runtime found (${runtime.via})`)
        : await localServices(req, `auto: ${local.missing.join('; ')}; ${runtime.reason}`);
      break;
    }
    default:
      throw new UserError(`--services "${String(req.services)}" is not one of: auto, local, containers, external`);
  }
  log(`chaos: services ${services.summary.picked} — ${services.summary.reason}`);
  for (const note of services.summary.notes) log(`chaos: note: ${note}`);
  return services;
}
