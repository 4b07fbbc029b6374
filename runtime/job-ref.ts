/** A job reference is a bundled job's name or a job module's path; it names a module when it looks like a path. */
export function isModulePath(ref: string): boolean {
  return /[\\/]/.test(ref) || /\.(m?js|cjs|m?ts|cts)$/.test(ref);
}

/** A short, file-name-safe label of a job reference: a bundled name as is, a module by its file name without extension. */
export function jobLabel(ref: string): string {
  if (!isModulePath(ref)) return ref;
  const base = ref.split(/[\\/]/).pop() ?? ref;
  return base.replace(/\.(m?js|cjs|m?ts|cts)$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'job';
}
