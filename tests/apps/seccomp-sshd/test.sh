#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# ../sshd/test.sh with every program under the seccomp front end (netcon run --seccomp).
NETCON_RUN_FLAGS="--seccomp${NETCON_RUN_FLAGS:+ $NETCON_RUN_FLAGS}"
APP_AS=seccomp-sshd
export NETCON_RUN_FLAGS APP_AS
exec "$(dirname "$0")/../sshd/test.sh"
