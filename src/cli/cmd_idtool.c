/* netcon idtool: placeholder until the ZeroTier protocol library lands (issue 3). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_idtool(int argc, char **argv)
{
	fprintf(stderr, "netcon idtool: not built yet\n");
	return 1;
}
