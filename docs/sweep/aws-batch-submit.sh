#!/bin/sh
# A sharded `ecsim sweep` as an AWS Batch array job, then a merge job that depends on it.
#
# The sweep is the one of docs/sweep/README.md's walkthrough: 200 combinations of
# scenarios/peak-day.yaml, 50 replicates each (10,000 runs), in 50 shards of 200 runs. The job
# definition is aws-batch-array-job.json, next to this file (docs/sweep/README.md explains each
# of its fields). AWS Batch starts one child job per array index 0..49 and sets
# AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE in each; `ecsim sweep` reads both, so
# the command needs no --shard flag. Every child writes its slice to shard-<index> on an Amazon
# EFS file system; the merge job writes the files of a single-machine sweep to merged/.
#
# Before the first run: a Fargate compute environment and a job queue (JOB_QUEUE below), the
# image pushed to ECR, the EFS file system with a mount target in each subnet of the compute
# environment and a security group that lets the jobs reach it on NFS (TCP 2049), and the
# account id, role and file system id of aws-batch-array-job.json set to yours.
#
# Usage: JOB_QUEUE=ecsim-fargate sh docs/sweep/aws-batch-submit.sh
set -eu

JOB_QUEUE=${JOB_QUEUE:-ecsim-fargate}
SHARDS=50                         # the array size: 2 to 10,000 child jobs

# 1. Register (or update: each call adds a revision) the job definition.
aws batch register-job-definition \
  --cli-input-json "file://$(dirname "$0")/aws-batch-array-job.json"

# 2. The sweep: one array job of SHARDS children. The job definition's command is the sweep;
#    --array-properties makes it an array job.
SWEEP_JOB=$(aws batch submit-job \
  --job-name ecsim-peak-day \
  --job-queue "$JOB_QUEUE" \
  --job-definition ecsim-sweep \
  --array-properties "size=$SHARDS" \
  --query jobId --output text)
echo "sweep: $SWEEP_JOB ($SHARDS shards)"

# 3. The merge: one ordinary job that depends on the whole array job. A dependency on the
#    parent's job id, with no type, holds the merge until every child has succeeded; if a child
#    still fails after the definition's retryStrategy attempts, the merge fails without running
#    (run the failed index again, then the merge, as docs/sweep/README.md describes). N_TO_N
#    would pair index i of one array job with index i of another, and SEQUENTIAL runs the
#    children of one array job one after another: neither fits a single merge job.
#    The command override replaces the sweep with the merge; the shell expands the glob.
MERGE_JOB=$(aws batch submit-job \
  --job-name ecsim-peak-day-merge \
  --job-queue "$JOB_QUEUE" \
  --job-definition ecsim-sweep \
  --depends-on "jobId=$SWEEP_JOB" \
  --container-overrides '{"command": ["sh", "-c", "exec ecsim sweep merge \"$SWEEP_DIR\"/shard-* --out \"$SWEEP_DIR/merged\""], "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "2048"}]}' \
  --query jobId --output text)
echo "merge: $MERGE_JOB (starts when all $SHARDS shards have succeeded)"
echo "results: sweep.csv, sweep_summary.csv, best.json, charts/ and report.html in peak-day/merged/ on the EFS file system"
