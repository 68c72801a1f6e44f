import { execFileSync } from 'child_process';

/** A python3 that imports every module, or undefined: DOWNHILL_TORCH_PYTHON (e.g. a virtualenv's), then /usr/bin/python3. */
export function pythonWith(...modules: string[]): string | undefined {
  for (const python of [process.env.DOWNHILL_TORCH_PYTHON, '/usr/bin/python3'].filter(Boolean) as string[]) {
    try {
      execFileSync(python, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
