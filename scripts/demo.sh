#!/usr/bin/env bash
# The demo in one command: set up (only what is missing), build the widget,
# then serve two origins on loopback until Ctrl+C:
#   the CRM page   http://127.0.0.1:$PORT        (PORT, default 8080)
#   the widget     http://localhost:$WIDGET_PORT (WIDGET_PORT, default 8081)
# Two host names: two origins and two sites, as on a real CRM. The widget's
# server allows only the CRM page's origin (and lets it inject demo messages).
# Both cache as docs/package.md asks of a deployment (scripts/serve.py): the
# content-hashed builds widget.html loads (www/pkg/<hash>/) immutable, the rest
# revalidated, so a rebuild is picked up on reload.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$ROOT"

bash scripts/setup.sh
bash scripts/build.sh

port=${PORT:-8080}
widget_port=${WIDGET_PORT:-8081}
if [ "$port" = "$widget_port" ]; then
    echo "demo: PORT and WIDGET_PORT must differ (both $port)" >&2
    exit 2
fi
host_origin="http://127.0.0.1:$port"
widget_origin="http://localhost:$widget_port"

pids=()
stop() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

sim_port=${SIM_PORT:-8090}
sim_origin="http://127.0.0.1:$sim_port"
# The widget's server also offers widget.html?config=xuc|axp: the widget runs its own
# live client against the simulators.
python3 scripts/serve.py "$widget_port" --allow-host "$host_origin" --inject --cc-sim "$sim_origin" &
pids+=($!)
python3 scripts/serve.py "$port" --frame-src "$widget_origin" \
    --connect-src "$sim_origin" --connect-src "ws://127.0.0.1:$sim_port" &
pids+=($!)
# The contact-centre simulators (AXP + xuc) for the console and the live-clients page.
cargo run -q -- sim --port "$sim_port" --scenario crates/sim/scenarios/axp-day.jsonl --quiet &
pids+=($!)

# Pages that talk to another widget origin or simulator than the defaults are told so.
query=""
if [ "$widget_port" != 8081 ]; then
    query="widget=$widget_origin"
fi
if [ "$sim_port" != 8090 ]; then
    query="${query:+$query&}sim=$sim_origin"
fi
crm_url="$host_origin/crm.html"
if [ "$widget_port" != 8081 ]; then
    crm_url="$crm_url?widget=$widget_origin"
fi
live_url="$host_origin/live.html"
if [ "$sim_port" != 8090 ]; then
    live_url="$live_url?sim=$sim_origin"
fi
sleep 0.5
echo
echo "demo: START HERE, the demo console:           $host_origin/console.html${query:+?$query}"
echo "demo:   (pick the CRM and contact-centre sides, play scenarios, watch the timeline and the inspector)"
echo "demo: the CRM page with the embedded widget:  $crm_url"
echo "demo: live AXP and xuc clients (simulators):  $live_url"
echo "demo: the decoders, all in one page:          $host_origin/"
echo "demo: the widget is served from:              $widget_origin/widget.html"
echo "demo: Ctrl+C stops the servers and the simulator"
echo

# If either server stops (port taken, ...), stop the other one too.
status=0
wait -n "${pids[@]}" || status=$?
echo "demo: a server stopped (exit $status; is port $port or $widget_port taken?), stopping the other" >&2
exit "$status"
