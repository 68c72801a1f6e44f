#!/usr/bin/env bash
# Run by docker-stacks' start script before each single-user server starts: puts a copy of
# the tutorials in the student's home, once (their edits are theirs afterwards).
tutorials="$(dirname "$(command -v downhill)")/../share/downhill/notebooks"
if [ -d "$tutorials" ] && [ ! -e "$HOME/downhill-tutorials" ]; then
  mkdir -p "$HOME/downhill-tutorials"
  cp "$tutorials"/*.ipynb "$HOME/downhill-tutorials/"
  chmod u+w "$HOME/downhill-tutorials"/*.ipynb
fi
