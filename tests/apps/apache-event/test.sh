#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# apache2 event MPM (threaded) on A, curl on B: the prefork test with MPM=event.
MPM=event exec "$(dirname "$0")/../apache-prefork/test.sh"
