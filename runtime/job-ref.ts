/** A job reference is a bundled job's name or a job module's path; it names a module when it looks like a path. */
export function isModulePath(ref: string): boolean {
  return /[\\/]/.test(ref) || /\.(m?js|cjs|m?ts|cts)$/.test(ref);
}
