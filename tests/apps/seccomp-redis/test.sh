#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ../redis/test.sh with every program under the seccomp front end (netcon run --seccomp).
NETCON_RUN_FLAGS="--seccomp${NETCON_RUN_FLAGS:+ $NETCON_RUN_FLAGS}"
APP_AS=seccomp-redis
export NETCON_RUN_FLAGS APP_AS
exec "$(dirname "$0")/../redis/test.sh"
