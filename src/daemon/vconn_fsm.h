/* SPDX-License-Identifier: BSD-2-Clause */
/* The virtual socket's states and the events that move them: the one transition table. */
#ifndef NETCON_VCONN_FSM_H
#define NETCON_VCONN_FSM_H

#include <stdbool.h>
#include <stdint.h>

/* doc/design.md, "Virtual sockets: the state machine". A state names the protocol too. Each
 * list gives the enum (VC_x, VE_x) and the name logs use, from one place. */
#define VCONN_STATES(X)                                                                            \
	X(NEW, "new") /* made by a handler, not yet bound; no event reaches it */                  \
	X(TCP_BOUND, "tcp-bound") /* a bound TCP pcb behind a placeholder pair */                  \
	X(TCP_LISTEN, "tcp-listen")                                                                \
	X(TCP_CONNECTING, "tcp-connecting") /* SYN sent; the program's end holds the filler */     \
	X(TCP_CONNECTED, "tcp-connected") /* relaying both ways */                                 \
	X(TCP_PEER_FIN, "tcp-peer-fin") /* the peer's FIN came; data before it is being written */ \
	X(TCP_CLOSING, "tcp-closing") /* the program was given EOF (our end shut for writing) */   \
	X(TCP_FAILED, "tcp-failed") /* the connect failed; kept until SO_ERROR is read */          \
	X(TCP_RESET, "tcp-reset") /* lwIP dropped the connection; killed at once */                \
	X(UDP_BOUND, "udp-bound") /* datagrams carry a header with the peer's address */           \
	X(UDP_CONNECTED, "udp-connected") /* bare datagrams to and from one peer */                \
	X(DEAD, "dead") /* out of every table, freed at the end of the loop iteration */

#define VCONN_EVENTS(X)                                                                            \
	X(TCP_BIND, "tcp-bind") /* tcp_bind succeeded */                                           \
	X(UDP_BIND, "udp-bind") /* udp_bind succeeded */                                           \
	X(LISTEN, "listen") /* NC_LISTEN: the pcb listens */                                       \
	X(CONNECT, "connect") /* NC_CONNECT: tcp_connect started, or udp_connect done */           \
	X(ACCEPT, "accept") /* lwIP accepted a connection: the new one is connected */             \
	X(ESTABLISHED, "established") /* the handshake of a connect completed */                   \
	X(CONNECT_FAILED, "connect-failed") /* refused, timed out or aborted while connecting */   \
	X(PEER_FIN, "peer-fin") /* lwIP delivered the peer's FIN */                                \
	X(EOF_GIVEN, "eof-given") /* every byte before the FIN written; our end shut */            \
	X(RESET, "reset") /* lwIP freed a connection's pcb (RST, retransmissions) */               \
	X(KILL, "kill") /* out of the tables: from any state but VC_DEAD */

#define VCONN_ENUM_STATE(name, text) VC_##name,
#define VCONN_ENUM_EVENT(name, text) VE_##name,
enum vconn_state { VCONN_STATES(VCONN_ENUM_STATE) VC_NSTATES };
enum vconn_event { VCONN_EVENTS(VCONN_ENUM_EVENT) VE_NEVENTS };
#undef VCONN_ENUM_STATE
#undef VCONN_ENUM_EVENT

/* The state event e moves s to, or -EINVAL if e may not happen in s. */
int vconn_fsm_next(enum vconn_state s, enum vconn_event e);
/* What the program and `netcon status` see (enum nc_sock_state; 0 for VC_NEW and VC_DEAD). */
uint8_t vconn_fsm_nc_state(enum vconn_state s);
bool vconn_fsm_is_udp(enum vconn_state s);
const char *vconn_fsm_state_name(enum vconn_state s);
const char *vconn_fsm_event_name(enum vconn_event e);

#endif
