#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# python3 -m http.server on A, curl on B.
. "$(dirname "$0")/../lib.sh"
app_init python-http "Python $(/usr/bin/python3 -c 'import platform; print(platform.python_version())') http.server"
have curl || app_skip "curl not installed"
PORT=8084
net_up || { app_done; exit 1; }
web_files "$W/www"
serve "$A" http /usr/bin/python3 -m http.server $PORT --bind "$IA" --directory "$W/www"
web_check "$B" "$IA" $PORT "$W/www"
evidence "$W/http.log" 4
app_done
