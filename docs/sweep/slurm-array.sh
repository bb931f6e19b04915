#!/bin/bash
# A sharded `ecsim sweep` as a Slurm job array, then a merge job that depends on it.
#
# The sweep is the one of docs/sweep/README.md's walkthrough: 200 combinations of
# scenarios/peak-day.yaml, 50 replicates each (10,000 runs), in 50 shards of 200 runs. Slurm
# runs this script once per array task 0..49 and sets SLURM_ARRAY_TASK_ID and
# SLURM_ARRAY_TASK_COUNT in each; `ecsim sweep` reads both, so the command needs no --shard flag.
# Every task writes its slice to $SWEEP_DIR/shard-<task id>; the merge job writes the files of a
# single-machine sweep to $SWEEP_DIR/merged.
#
# Usage, from the repository on a login node (ecsim on the PATH of the compute nodes, the
# repository and SWEEP_DIR on a file system every node sees, such as your home or scratch):
#
#   bash docs/sweep/slurm-array.sh      # submits the array, then the merge after it
#
# Run with bash, the script submits itself (sbatch "$0") as the array job, then the merge as a
# job that depends on it. Run by Slurm as an array task (SLURM_ARRAY_TASK_ID set), it runs one
# shard.
#
# The task ids must be 0..count-1, because the shard index is SLURM_ARRAY_TASK_ID and the
# number of shards SLURM_ARRAY_TASK_COUNT: no step (0-49:2) and no other first index (1-50).
# A `%` limit is fine: 0-49%10 runs at most 10 tasks at once and is still 50 shards. Slurm
# refuses indexes of MaxArraySize or more (`scontrol show config | grep MaxArraySize`; the
# default is 1001, so at most 1,001 shards, 0-1000).
#
# The #SBATCH lines below are read by sbatch; the shell sees them as comments. Change --array
# and --cpus-per-task here; everything else follows from them.
#SBATCH --job-name=ecsim-sweep
#SBATCH --array=0-49
#SBATCH --cpus-per-task=2
#SBATCH --mem=1G
#SBATCH --time=01:00:00
#SBATCH --output=logs/%x-%A_%a.out
set -euo pipefail

SCENARIO=${SCENARIO:-scenarios/peak-day.yaml}
SWEEP_DIR=${SWEEP_DIR:-$PWD/sweeps/peak-day}
export SCENARIO SWEEP_DIR         # sbatch passes the environment on to the jobs (--export=ALL)

if [[ -n "${SLURM_ARRAY_TASK_ID:-}" ]]; then
  # One shard: the sweep, with this task's slice of the runs. --jobs matches --cpus-per-task.
  # A task submitted again on its own (sbatch --array=17) sees a count of 1: give the real
  # number of shards then, SHARDS=50, and the script passes --shard 17/50 explicitly.
  exec ecsim sweep "$SCENARIO" ${SHARDS:+--shard "$SLURM_ARRAY_TASK_ID/$SHARDS"} \
    --vary 'applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue=35..80:5' \
    --vary 'applicationAutoScaling.scalableTargets[0].MinCapacity=2,4,8,16' \
    --vary 'applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.ScaleInCooldown=60,120,300,600,900' \
    --replicas 50 \
    --minimize cost_usd \
    --where 'unserved_fraction < 0.002' \
    --jobs "${SLURM_CPUS_PER_TASK:-2}" \
    --out "$SWEEP_DIR/shard-$SLURM_ARRAY_TASK_ID"
fi

# Submission (run with bash, not sbatch). --parsable prints "jobid" or "jobid;cluster".
mkdir -p logs "$SWEEP_DIR"
sweep_job=$(sbatch --parsable "$0")
sweep_job=${sweep_job%%;*}
echo "sweep: job array $sweep_job"

# The merge. A dependency on the array's job id covers every task: afterok holds the merge
# until all of them have completed with exit code 0 (Slurm judges a whole array by its highest
# exit code). If a task fails, the merge never starts: run that task again with
# `SHARDS=50 sbatch --array=<id> docs/sweep/slurm-array.sh`, then the merge command below by
# hand; it lists any shard still missing. The glob is expanded when the merge job runs.
merge_job=$(sbatch --parsable \
  --job-name=ecsim-merge \
  --dependency="afterok:$sweep_job" \
  --cpus-per-task=1 --mem=1G --time=00:30:00 \
  --output=logs/%x-%j.out \
  --wrap="ecsim sweep merge $SWEEP_DIR/shard-* --out $SWEEP_DIR/merged")
echo "merge: job ${merge_job%%;*} (starts when every task of $sweep_job has succeeded)"
echo "results: $SWEEP_DIR/merged"
