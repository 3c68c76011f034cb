/* netcon status: placeholder, being written. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_status(int argc, char **argv)
{
	fprintf(stderr, "netcon status: not built yet\n");
	return 1;
}
