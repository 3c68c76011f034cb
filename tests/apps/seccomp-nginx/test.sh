#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ../nginx/test.sh with every program under the seccomp front end (netcon run --seccomp).
NETCON_RUN_FLAGS="--seccomp${NETCON_RUN_FLAGS:+ $NETCON_RUN_FLAGS}"
APP_AS=seccomp-nginx
export NETCON_RUN_FLAGS APP_AS
exec "$(dirname "$0")/../nginx/test.sh"
