# A private one-machine Slurm cluster for the Slurm tests (sourced, not run): one munged, one slurmctld and
# one slurmd, in a scratch folder with their own ports and munge socket. Nothing in /etc is touched and a
# Slurm already running on the machine is left alone; the daemons are stopped and the folder removed when
# the sourcing script exits. Exits 77 (CTest: skipped) without root, slurm-wlm or munge.
#
# Needs: `set -euo pipefail` in the caller. Defines: $scratch, $SLURM_CONF,
# fail MESSAGE. Extra tools the caller needs: SKIPSEG_CLUSTER_TOOLS="tool ...".

skip() { echo "SKIP: $*" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (slurmd runs jobs as their user; munged's key must be protected)"
for tool in munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol ${SKIPSEG_CLUSTER_TOOLS:-}; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (apt-get install slurm-wlm munge)"
done

scratch=$(mktemp -d /tmp/skipseg-slurm-XXXXXX)
chmod 755 "$scratch"
stop_daemons() {
  for pidfile in "$scratch"/run/slurmd.pid "$scratch"/run/slurmctld.pid "$scratch"/run/munged.pid; do
    if [ -s "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}
show_logs() {
  for log in "$scratch"/log/*.log "$scratch"/out/*.log; do
    [ -f "$log" ] && { echo "----- $log"; tail -n 30 "$log"; }
  done
}
finish() {
  status=$?
  [ $status -eq 0 ] || [ $status -eq 77 ] || show_logs >&2
  stop_daemons
  rm -rf "$scratch"
  exit $status
}
trap finish EXIT
trap 'exit 143' TERM INT  # so that the daemons are stopped when the test is interrupted
mkdir -p "$scratch"/{run,log,state,spool,munge}

# --- munge: a private key and socket
dd if=/dev/urandom of="$scratch/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$scratch/munge/munge.key"
chmod 700 "$scratch/munge"
socket="$scratch/run/munge.socket"
munged --force --key-file="$scratch/munge/munge.key" --socket="$socket" --pid-file="$scratch/run/munged.pid" \
  --log-file="$scratch/log/munged.log" --seed-file="$scratch/munge/munged.seed"
munge --socket="$socket" -n | unmunge --socket="$socket" | grep -q "STATUS: *Success" || { echo "munge does not work" >&2; exit 1; }

# --- slurm: one controller and one node on this machine, on ports of our own, by address (a container's
# host name need not resolve)
host=$(hostname -s)
cpus=$(nproc)
memory_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
port=$(( 20000 + ($$ % 20000) ))
export SLURM_CONF="$scratch/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=skipsegtest
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${port}
SlurmdPort=$(( port + 1 ))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${socket}
StateSaveLocation=${scratch}/state
SlurmdSpoolDir=${scratch}/spool
SlurmctldPidFile=${scratch}/run/slurmctld.pid
SlurmdPidFile=${scratch}/run/slurmd.pid
SlurmctldLogFile=${scratch}/log/slurmctld.log
SlurmdLogFile=${scratch}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
NodeName=${host} NodeAddr=127.0.0.1 NodeHostname=${host} CPUs=${cpus} RealMemory=${memory_mb} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
  sinfo -h -o "%T" 2>/dev/null | grep -qE "^idle" && break
  sleep 0.2
done
sinfo -h -o "%T" | grep -qE "^idle" || { echo "the Slurm node did not come up: $(sinfo 2>&1)" >&2; exit 1; }
fail() { echo "FAIL: $*" >&2; exit 1; }
