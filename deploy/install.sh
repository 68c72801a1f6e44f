#!/usr/bin/env bash
# Installs downhill for every user of a Jupyter installation: the kernelspec, the
# `downhill` command and the tutorials. The Dockerfile, Binder's postBuild, The Littlest
# JupyterHub's instructions and the hub test (test/hub.test.ts) all run this script, so
# what an image installs is what CI tests.
#
#   deploy/install.sh                 into Jupyter's own prefix (sys.prefix of the Python
#                                     that runs `jupyter`; the image's /opt/conda)
#   deploy/install.sh --prefix DIR    into DIR (the single-user servers must then find
#                                     DIR/share/jupyter: JUPYTER_PATH)
#
# It expects a built checkout (npm ci && npm run build); it builds one if dist/ is missing.
# It leaves the checkout where it is: the kernelspec points at it, so keep it (e.g. /opt/downhill).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

prefix=""
case "${1:-}" in
  --prefix) prefix="${2:?--prefix needs a folder}" ;;
  "") ;;
  *) echo "usage: deploy/install.sh [--prefix DIR]" >&2; exit 2 ;;
esac

if [ ! -f dist/cli/main.js ]; then
  echo "downhill is not built yet: npm ci && npm run build"
  npm ci --no-audit --no-fund </dev/null
  npm run build </dev/null
fi

# 1. The kernelspec 'downhill' (absolute paths to this Node.js and this checkout's kernel).
if [ -n "$prefix" ]; then
  mkdir -p "$prefix"
  prefix="$(cd "$prefix" && pwd)"
  node dist/cli/main.js kernel install --prefix "$prefix"
else
  node dist/cli/main.js kernel install --sys-prefix
  prefix="$(node -p "require('./dist/kernel/jupyter_paths').sysPrefix()")"
fi

# 2. The `downhill` command for every user.
mkdir -p "$prefix/bin"
ln -sfn "$root/dist/cli/main.js" "$prefix/bin/downhill"
chmod a+rx dist/cli/main.js

# 3. The tutorials, read-only: a start hook or the student copies them into their home.
tutorials="$prefix/share/downhill/notebooks"
mkdir -p "$tutorials"
cp notebooks/*.ipynb "$tutorials/"
chmod -R a+rX,a-w "$tutorials"

echo "downhill installed under $prefix: kernel share/jupyter/kernels/downhill, command bin/downhill, tutorials share/downhill/notebooks"
