/** The mutant registry (engine/mutants/index.ts), loaded lazily; empty when the engine has none. */
type Registry = Record<string, { description: string; realWorld?: string; needs?: 'process'; kind?: 'streaming' | 'batch'; faultKinds?: import('./history.js').FaultKind[] }>;

export async function mutants(): Promise<Registry> {
  try {
    const mod = (await import(new URL('../engine/mutants/index.js', import.meta.url).href)) as { mutants?: Registry };
    return mod.mutants ?? {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return {};
    throw err;
  }
}
