#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# MongoDB: not packaged in Debian 12 (no mongodb, mongodb-server or FerretDB candidate); the row stays.
. "$(dirname "$0")/../lib.sh"
app_init mongodb "-"
command -v mongod >/dev/null || app_skip "not in Debian 12"
not_ok "mongod is installed but this test has no check for it yet"
app_done
