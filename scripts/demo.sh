#!/usr/bin/env bash
# The demo in one command: set up (only what is missing), build the widget,
# then serve www/ on loopback until Ctrl+C. PORT=NNNN picks another port.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

bash scripts/setup.sh
bash scripts/build.sh

port=${PORT:-8080}
echo "demo: open http://127.0.0.1:$port/  (Ctrl+C stops the server)"
exec python3 scripts/serve.py "$port"
