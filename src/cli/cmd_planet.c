/* netcon planet: placeholder until the ZeroTier protocol library lands (issue 3). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_planet(int argc, char **argv)
{
	fprintf(stderr, "netcon planet: not built yet\n");
	return 1;
}
