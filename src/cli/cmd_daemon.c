/* netcon daemon: placeholder, being written. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_daemon(int argc, char **argv)
{
	fprintf(stderr, "netcon daemon: not built yet\n");
	return 1;
}
