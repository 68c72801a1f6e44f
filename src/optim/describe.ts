/** "sgd(lr=0.1, momentum=0.9)": a label for legends and tables, listing only the options given. */
export function describeOptimizer(name: string, options: object): string {
  const parts = Object.entries(options)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${describeValue(v)}`);
  return `${name}(${parts.join(', ')})`;
}

function describeValue(v: unknown): string {
  if (typeof v === 'function') return 'schedule';
  if (Array.isArray(v)) return `[${v.map(describeValue).join(', ')}]`;
  return String(v);
}
