#!/usr/bin/env bash
# Starts one node from the built jar on free loopback ports in a scratch directory, runs
# AgentDesktopSimulation against it, measures the node (heap after a full GC with every socket
# still open, and again after the run; CPU of node and load generator over the calls), stops the
# node (by its PID) and prints the figures. Bounded: node start-up <= 120 s, the run by the
# simulation's own maxDuration, the whole script by `timeout`.
#
#   loadtest/run-agent-desktop.sh [-Dagents=N -Drate=R -Dduration=D -Dtalk=T -Dviewers=V ...]
#
# Environment: NODE_HEAP (default 2g), NODE_OPTS (extra node JVM options), GATLING_HEAP (2g),
# KEEP=1 to keep the scratch directory. Build first: mvn -B -o -q install -DskipTests
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/cluster/target/switchboard-node.jar"
[[ -f "$JAR" ]] || { echo "no $JAR: build first (cd $ROOT && mvn -B -o -q install -DskipTests)" >&2; exit 2; }
NODE_HEAP=${NODE_HEAP:-2g}
GATLING_HEAP=${GATLING_HEAP:-2g}
WORK=$(mktemp -d -t sb-agent-desktop-XXXXXX)
# A copy of the jar and its lib/, so a rebuild during the run cannot change the running node
mkdir -p "$WORK/dist" && cp "$JAR" "$WORK/dist/" && cp -r "$(dirname "$JAR")/lib" "$WORK/dist/"
JAR="$WORK/dist/switchboard-node.jar"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port); CLUSTER_PORT=$(free_port); MGMT_PORT=$(free_port)

# The simulation's timing, from the arguments (same defaults as LoadSettings)
arg() { local v; v=$(printf '%s\n' "$@" | sed -n "s/^-D$KEY=//p" | tail -1); echo "${v:-$DEFAULT}"; }
KEY=agents DEFAULT=50 AGENTS=$(arg "$@")
KEY=duration DEFAULT=30 DURATION=$(arg "$@")
KEY=settle DEFAULT=5 SETTLE=$(arg "$@")
KEY=warmup DEFAULT=5 WARMUP=$(arg "$@")
RAMP_DEFAULT=$(( AGENTS / 200 > 5 ? AGENTS / 200 : 5 ))
KEY=ramp DEFAULT=$RAMP_DEFAULT RAMP=$(arg "$@")
CALLS_FROM=$(( RAMP + SETTLE + WARMUP ))
CALLS_END=$(( RAMP + SETTLE + DURATION ))

# Node: env and settings of a deployment, nothing else. max-connections is raised as a precaution
# (Pekko HTTP's default is 1024; measured: 1,161 sockets were accepted with 1024, see
# docs/benchmarks.md).
(
  cd "$WORK"
  exec env -u SWITCHBOARD_DB_URL SWITCHBOARD_HTTP_PORT=$HTTP_PORT SWITCHBOARD_CLUSTER_PORT=$CLUSTER_PORT \
    SWITCHBOARD_MANAGEMENT_PORT=$MGMT_PORT \
    java -Xmx$NODE_HEAP -Dswitchboard.auth.bcrypt-cost=4 \
      -Dpekko.cluster.seed-nodes.0=pekko://switchboard@127.0.0.1:$CLUSTER_PORT \
      -Dpekko.http.server.max-connections=${NODE_MAX_CONNECTIONS:-20000} \
      ${NODE_OPTS:-} -jar "$JAR" > node.log 2>&1
) &
NODE_PID=$!
stop_node() {
  if kill -0 $NODE_PID 2>/dev/null; then
    kill -TERM $NODE_PID
    for _ in $(seq 60); do kill -0 $NODE_PID 2>/dev/null || break; sleep 0.5; done
    kill -0 $NODE_PID 2>/dev/null && kill -KILL $NODE_PID
  fi
  wait $NODE_PID 2>/dev/null || true
  if [[ "${KEEP:-}" == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap stop_node EXIT
echo "node pid $NODE_PID, http://127.0.0.1:$HTTP_PORT, work dir $WORK; load average $(cut -d' ' -f1-3 /proc/loadavg)"

for i in $(seq 240); do
  kill -0 $NODE_PID 2>/dev/null || { echo "node exited:"; tail -30 "$WORK/node.log"; exit 1; }
  [[ $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$HTTP_PORT/api/openapi.json) == 200 ]] && break
  sleep 0.5
done
echo "node answers after ~$(( i / 2 )) s"

ticks() { awk '{print $14+$15}' /proc/$1/stat 2>/dev/null || echo 0; }
busy() { awk '/^cpu /{print $2+$3+$4, $7+$8}' /proc/stat; } # the whole machine: user+nice+system, irq+softirq
# CPU ticks of every process (pid ticks command), to name what else ran during the calls
procs() { python3 -c '
import os
for p in os.listdir("/proc"):
    if not p.isdigit(): continue
    try:
        s = open("/proc/%s/stat" % p).read(); f = s[s.rindex(")") + 2:].split()
        c = open("/proc/%s/cmdline" % p, "rb").read().replace(b"\0", b" ").decode(errors="replace")[:120]
        print(p, int(f[11]) + int(f[12]), c or s[s.index("(") + 1:s.rindex(")")])
    except Exception:
        pass'; }
heap() { { jcmd $NODE_PID GC.run >/dev/null && jcmd $NODE_PID GC.heap_info | grep -m1 -E 'heap +total' | tr -s ' '; } || echo "(jcmd failed)"; }
HZ=$(getconf CLK_TCK)

LOG="$WORK/gatling.log"
(cd "$ROOT" && exec mvn -B -o -pl loadtest gatling:test -Dgatling.simulationClass=io.switchboard.loadtest.gatling.AgentDesktopSimulation \
  -Dgatling.heap=$GATLING_HEAP -DbaseUrl=http://127.0.0.1:$HTTP_PORT "$@") > "$LOG" 2>&1 &
MVN_PID=$!

elapsed() { grep -oE '[0-9]+s elapsed' "$LOG" 2>/dev/null | tail -1 | grep -oE '^[0-9]+' || echo -1; }
phase=0
while kill -0 $MVN_PID 2>/dev/null; do
  e=$(elapsed)
  if [[ $phase == 0 && $e -ge $CALLS_FROM ]]; then
    GPID=$(pgrep -P $MVN_PID java | head -1 || true)
    N0=$(ticks $NODE_PID); G0=$(ticks ${GPID:-0}); read M0 S0 < <(busy); T0=$(date +%s.%N); phase=1
    procs > "$WORK/procs0"
    LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
  elif [[ $phase == 1 && $e -ge $CALLS_END ]]; then
    N1=$(ticks $NODE_PID); G1=$(ticks ${GPID:-0}); read M1 S1 < <(busy); T1=$(date +%s.%N); phase=2
    procs > "$WORK/procs1"
    SOCKETS=$(ss -Htn state established "( sport = :$HTTP_PORT )" | wc -l)
    HEAP_OPEN=$(heap)
  fi
  sleep 1
done
wait $MVN_PID && RC=0 || RC=$?
HEAP_AFTER=$(heap)
# Every agent logged out at the end: the queue should show none logged in (ask it over the wire)
KEY=adminPassword DEFAULT=demo-admin ADMIN_PASSWORD=$(arg "$@")
TOKEN=$(curl -s -m 30 -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" \
  http://127.0.0.1:$HTTP_PORT/api/v1/session | python3 -c 'import json,sys; print(json.load(sys.stdin).get("token",""))' 2>/dev/null || true)
QUEUE_AFTER=$(curl -s -m 30 -H "Authorization: Bearer $TOKEN" http://127.0.0.1:$HTTP_PORT/api/v1/queues/lt-q/live || true)

grep -vE '^[0-9:,]+ \|-' "$LOG" | sed -n '/==== AgentDesktopSimulation/,$p' | grep -vE '^\[INFO\] *$' || true
echo "---- node (pid $NODE_PID, -Xmx$NODE_HEAP) ----"
if [[ $phase == 2 ]]; then
  awk -v n0=$N0 -v n1=$N1 -v g0=$G0 -v g1=$G1 -v t0=$T0 -v t1=$T1 -v hz=$HZ -v from=$CALLS_FROM -v to=$CALLS_END \
    -v m0=$M0 -v m1=$M1 -v s0=$S0 -v s1=$S1 \
    'BEGIN { w=t1-t0; n=(n1-n0)/hz/w; g=(g1-g0)/hz/w; m=(m1-m0)/hz/w; sq=(s1-s0)/hz/w;
             printf "CPU over the calls (%d-%d s of the run, %.0f s): node %.2f cores, Gatling %.2f cores, other processes %.2f cores, interrupts (loopback network) %.2f cores\n", from, to, w, n, g, m-n-g, sq }'
  echo "other processes using the most CPU over the calls (cores):"
  awk -v w="$(awk -v a=$T0 -v b=$T1 'BEGIN{print b-a}')" -v hz=$HZ -v node=$NODE_PID -v g=${GPID:-0} '
    NR==FNR { t0[$1]=$2; next }
    { pid=$1; d=$2-(pid in t0 ? t0[pid] : 0); if (pid!=node && pid!=g && d>0) { $1=""; $2=""; printf "%.2f %s\n", d/hz/w, $0 } }' \
    "$WORK/procs0" "$WORK/procs1" | sort -rn | head -3 | sed 's/^/  /'
  echo "load average at the start of the calls: $LOAD0"
  echo "established connections to the node at the end of the calls: $SOCKETS"
  echo "heap after full GC, sockets open: $HEAP_OPEN"
fi
echo "heap after full GC, after the run: $HEAP_AFTER"
echo "queue lt-q after the run (GET /api/v1/queues/lt-q/live, all agents logged out): $(printf '%s' "$QUEUE_AFTER" | python3 -c '
import json, sys
try:
    q = json.load(sys.stdin)
except Exception as e:
    print("unreadable:", e); sys.exit()
size = lambda v: len(v) if isinstance(v, (list, dict)) else v
print("waitingCount", q.get("waitingCount"), "| members", size(q.get("members")), "| freeAgents", size(q.get("freeAgents")),
      "| offersRinging", size(q.get("offersRinging")))
' 2>&1)"
echo "node log: $(grep -cE ' (ERROR|WARN) ' "$WORK/node.log" || true) ERROR/WARN lines; first ones:"
grep -E ' (ERROR|WARN) ' "$WORK/node.log" | head -5 | cut -c1-300 || true
echo "gatling exit code $RC; report: $(grep -oE 'file://[^ ]+index.html' "$LOG" | tail -1)"
exit $RC
