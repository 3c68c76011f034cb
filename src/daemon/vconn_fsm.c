// SPDX-License-Identifier: BSD-2-Clause
/* The virtual socket's states and the events that move them: the one transition table. */
#include <errno.h>
#include <stddef.h>

#include "daemon/vconn_fsm.h"
#include "netcon/rpc.h"

/* Every legal move but VE_KILL (legal from every state except VC_DEAD). doc/design.md has the
 * same table; tests/unit/vconn_fsm.c checks it against its own copy. */
static const struct vconn_move {
	uint8_t from, event, to;
} vconn_moves[] = {
    {VC_NEW, VE_TCP_BIND, VC_TCP_BOUND},
    {VC_NEW, VE_UDP_BIND, VC_UDP_BOUND},
    {VC_NEW, VE_CONNECT, VC_TCP_CONNECTING},
    {VC_NEW, VE_ACCEPT, VC_TCP_CONNECTED},
    {VC_TCP_BOUND, VE_LISTEN, VC_TCP_LISTEN},
    {VC_TCP_BOUND, VE_CONNECT, VC_TCP_CONNECTING},
    {VC_TCP_CONNECTING, VE_ESTABLISHED, VC_TCP_CONNECTED},
    {VC_TCP_CONNECTING, VE_CONNECT_FAILED, VC_TCP_FAILED},
    {VC_TCP_CONNECTED, VE_PEER_FIN, VC_TCP_PEER_FIN},
    {VC_TCP_CONNECTED, VE_RESET, VC_TCP_RESET},
    {VC_TCP_PEER_FIN, VE_EOF_GIVEN, VC_TCP_CLOSING},
    {VC_TCP_PEER_FIN, VE_RESET, VC_TCP_RESET},
    {VC_TCP_CLOSING, VE_RESET, VC_TCP_RESET},
    {VC_UDP_BOUND, VE_CONNECT, VC_UDP_CONNECTED},
};

static const uint8_t vconn_nc_state[VC_NSTATES] = {
    [VC_TCP_BOUND] = NC_ST_BOUND,	    [VC_TCP_LISTEN] = NC_ST_LISTEN,
    [VC_TCP_CONNECTING] = NC_ST_CONNECTING, [VC_TCP_CONNECTED] = NC_ST_CONNECTED,
    [VC_TCP_PEER_FIN] = NC_ST_CONNECTED,    [VC_TCP_CLOSING] = NC_ST_CLOSING,
    [VC_TCP_FAILED] = NC_ST_FAILED,	    [VC_TCP_RESET] = NC_ST_RESET,
    [VC_UDP_BOUND] = NC_ST_BOUND,	    [VC_UDP_CONNECTED] = NC_ST_CONNECTED,
};

#define VCONN_NAME(name, text) text,
static const char *const vconn_state_names[VC_NSTATES] = {VCONN_STATES(VCONN_NAME)};
static const char *const vconn_event_names[VE_NEVENTS] = {VCONN_EVENTS(VCONN_NAME)};
#undef VCONN_NAME

int vconn_fsm_next(enum vconn_state s, enum vconn_event e)
{
	if ((unsigned)s >= VC_NSTATES || (unsigned)e >= VE_NEVENTS || s == VC_DEAD)
		return -EINVAL;
	if (e == VE_KILL)
		return VC_DEAD;
	for (size_t i = 0; i < sizeof(vconn_moves) / sizeof(vconn_moves[0]); i++)
		if (vconn_moves[i].from == s && vconn_moves[i].event == e)
			return vconn_moves[i].to;
	return -EINVAL;
}

uint8_t vconn_fsm_nc_state(enum vconn_state s)
{
	return (unsigned)s < VC_NSTATES ? vconn_nc_state[s] : 0;
}

bool vconn_fsm_is_udp(enum vconn_state s)
{
	return s == VC_UDP_BOUND || s == VC_UDP_CONNECTED;
}

const char *vconn_fsm_state_name(enum vconn_state s)
{
	return (unsigned)s < VC_NSTATES ? vconn_state_names[s] : "?";
}

const char *vconn_fsm_event_name(enum vconn_event e)
{
	return (unsigned)e < VE_NEVENTS ? vconn_event_names[e] : "?";
}
