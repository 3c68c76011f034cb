/* SPDX-License-Identifier: BSD-2-Clause */
/* The virtual socket's states and the events that move them: the one transition table. */
#ifndef NETCON_VCONN_FSM_H
#define NETCON_VCONN_FSM_H

#include <stdbool.h>
#include <stdint.h>

/* doc/design.md, "Virtual sockets: the state machine". A state names the protocol too. */
enum vconn_state {
	VC_NEW, /* made by a handler, not yet bound; no event reaches it */
	VC_TCP_BOUND, /* a bound TCP pcb behind a placeholder pair */
	VC_TCP_LISTEN,
	VC_TCP_CONNECTING, /* SYN sent; the program's end holds the filler */
	VC_TCP_CONNECTED, /* relaying both ways */
	VC_TCP_PEER_FIN, /* the peer's FIN arrived; what came before it is still being written */
	VC_TCP_CLOSING, /* the program has been given EOF (our end shut for writing) */
	VC_TCP_FAILED, /* the connect failed; kept until the program reads SO_ERROR */
	VC_TCP_RESET, /* lwIP dropped the connection; killed at once */
	VC_UDP_BOUND, /* datagrams carry a header with the peer's address */
	VC_UDP_CONNECTED, /* bare datagrams to and from one peer */
	VC_DEAD, /* out of every table, freed at the end of the loop iteration */
	VC_NSTATES
};

enum vconn_event {
	VE_TCP_BIND, /* tcp_bind succeeded */
	VE_UDP_BIND, /* udp_bind succeeded */
	VE_LISTEN, /* NC_LISTEN: the pcb listens */
	VE_CONNECT, /* NC_CONNECT: tcp_connect started, or udp_connect done */
	VE_ACCEPT, /* lwIP accepted a connection: the new socket is connected */
	VE_ESTABLISHED, /* the handshake of a connect completed */
	VE_CONNECT_FAILED, /* refused, timed out or aborted while connecting */
	VE_PEER_FIN, /* lwIP delivered the peer's FIN */
	VE_EOF_GIVEN, /* every byte before the FIN written; our end shut for writing */
	VE_RESET, /* lwIP freed the pcb of a connection (RST, retransmissions exhausted) */
	VE_KILL, /* out of the tables: from any state but VC_DEAD */
	VE_NEVENTS
};

/* The state event e moves s to, or -EINVAL if e may not happen in s. */
int vconn_fsm_next(enum vconn_state s, enum vconn_event e);
/* What the program and `netcon status` see (enum nc_sock_state; 0 for VC_NEW and VC_DEAD). */
uint8_t vconn_fsm_nc_state(enum vconn_state s);
bool vconn_fsm_is_udp(enum vconn_state s);
const char *vconn_fsm_state_name(enum vconn_state s);
const char *vconn_fsm_event_name(enum vconn_event e);

#endif
