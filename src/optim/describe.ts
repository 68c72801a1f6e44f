/** "sgd(lr=0.1, momentum=0.9)": a label for legends and tables, listing only the options given. */
export function describeOptimizer(name: string, options: object): string {
  const parts = Object.entries(options)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'function' ? 'schedule' : Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
  return `${name}(${parts.join(', ')})`;
}
