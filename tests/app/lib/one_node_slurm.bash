# A one-node Slurm cluster in a temporary folder, for tests (sourced, not a test itself).
# Debian's slurm-wlm (slurmctld, slurmd) and munge, configured and run entirely inside the
# folder: nothing under /etc is read or written, ports are picked free, and the daemons are
# stopped by the pids in their pid files. Needs root (slurmd runs jobs as their user) and
# scripts/deps --with-slurm. Configuration verified on Debian 12 with slurm-wlm 22.05.
#
#   slurm_start DIR     starts munged, slurmctld and slurmd; exports SLURM_CONF; returns 1 and
#                       prints why (the daemons' own log lines) if the node does not come up
#   slurm_stop DIR      stops the three daemons (idempotent)

# free_ports N: N TCP ports nothing listens on now.
free_ports() {
  /usr/bin/python3 - "$1" <<'PY'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
PY
}

# slurm_why DIR: what the daemons said, for a failure message.
slurm_why() {
  local log
  for log in "$1/munge/munged.log" "$1/log/slurmctld.log" "$1/log/slurmd.log"; do
    [ -s "$log" ] && { echo "--- $log (last lines):"; tail -n 15 "$log"; }
  done
  return 0
}

slurm_start() {
  local dir=$1 missing="" tool
  for tool in munged slurmctld slurmd sbatch sinfo; do
    command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin" command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
  done
  if [ -n "$missing" ]; then
    echo "one-node Slurm: missing$missing (install with scripts/deps --with-slurm: slurm-wlm, munge)" >&2
    return 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "one-node Slurm: slurmd must run as root to start jobs, and this test runs as $(id -un)" >&2
    return 1
  fi
  export PATH="$PATH:/usr/sbin"
  # munged wants every directory on its socket's path searchable by all.
  chmod 755 "$dir"
  local up
  up=$(dirname "$(realpath "$dir")")
  while [ "$up" != "/" ]; do
    if [ "$(( 0$(stat -c %a "$up") & 1 ))" -eq 0 ]; then
      echo "one-node Slurm: munged needs $up searchable by all (chmod o+x), on the path of its socket" >&2
      return 1
    fi
    up=$(dirname "$up")
  done
  mkdir -p "$dir"/{state,spool,log,munge/run}
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none && chmod 400 "$dir/munge/munge.key"
  if ! munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/run/munge.socket" \
      --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/seed"; then
    echo "one-node Slurm: munged did not start" >&2
    slurm_why "$dir" >&2
    return 1
  fi
  local host cpus memory ports ctld_port slurmd_port
  host=$(hostname -s)
  cpus=$(nproc)
  memory=$(free -m | awk '/Mem/{print int($2 * 0.8)}')
  ports=$(free_ports 2) || { echo "one-node Slurm: cannot find free ports" >&2; return 1; }
  read -r ctld_port slurmd_port <<<"$ports"
  cat >"$dir/slurm.conf" <<CONF
ClusterName=pzsimtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/run/munge.socket
CryptoType=crypto/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  if ! slurmctld -f "$SLURM_CONF"; then
    echo "one-node Slurm: slurmctld did not start" >&2
    slurm_why "$dir" >&2
    return 1
  fi
  if ! slurmd -f "$SLURM_CONF"; then
    echo "one-node Slurm: slurmd did not start" >&2
    slurm_why "$dir" >&2
    return 1
  fi
  # The node registers within a few seconds; wait up to 30 for it to be idle.
  local i state=""
  for ((i = 0; i < 60; i++)); do
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1)
    [ "$state" = "idle" ] && return 0
    sleep 0.5
  done
  echo "one-node Slurm: the node is '${state:-not reported}' after 30 s, not idle" >&2
  sinfo -N -l >&2 2>&1
  slurm_why "$dir" >&2
  return 1
}

slurm_stop() {
  local dir=$1 pidfile pid i
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || continue
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
  done
  return 0
}

# slurm_wait JOB SECONDS: waits for every task of JOB (an array too) to end; true if all
# COMPLETED. Polls scontrol (no accounting database here) rather than `sbatch --wait`, whose
# polling adds up to 10 s per job.
slurm_wait() {
  local job=$1 i states
  for ((i = 0; i < $2 * 4; i++)); do
    states=$(scontrol show job -o "$job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | sort -u)
    if [ -n "$states" ] && ! grep -qE 'JobState=(PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUED)' <<<"$states"; then
      [ "$states" = "JobState=COMPLETED" ]
      return
    fi
    sleep 0.25
  done
  echo "slurm_wait: job $job still not finished after $2 s: $states" >&2
  return 1
}
