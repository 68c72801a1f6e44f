// Builds the JupyterLab extension into ../dist/labextension (run by the main package's
// `npm run build`). Its build tools live in this folder's own node_modules, installed from
// package-lock.json here the first time and whenever the lock file changes.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const here = __dirname;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const installed = path.join(here, 'node_modules', '.package-lock.json');
const lock = path.join(here, 'package-lock.json');
if (!fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs) {
  console.log('labextension: installing its build tools (npm ci in labextension/)');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
}
// Rebuilt only when something it is built from is newer than what was built (webpack takes a while).
const built = path.join(here, '..', 'dist', 'labextension', 'package.json');
const newest = (p) => (fs.statSync(p).isDirectory() ? Math.max(0, ...fs.readdirSync(p).map((f) => newest(path.join(p, f)))) : fs.statSync(p).mtimeMs);
const inputs = ['src', 'core', 'package.json', 'package-lock.json', 'tsconfig.json', 'webpack.config.js', installed].map((f) => path.resolve(here, f)).filter((f) => fs.existsSync(f));
if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= Math.max(...inputs.map(newest))) {
  console.log('labextension: up to date');
} else {
  execFileSync(npm, ['run', '--silent', 'build'], { cwd: here, stdio: 'inherit' });
}
