// SPDX-License-Identifier: BSD-2-Clause
/* The virtual socket's state machine: every legal move lands where doc/design.md says, every
 * other (state, event) pair is refused, and each state reads as the program expects it. */
#include <errno.h>
#include <string.h>

#include "daemon/vconn_fsm.h"
#include "netcon/rpc.h"
#include "tap.h"

/* Written from doc/design.md's table, not from vconn_fsm.c: the two must agree. The square of
 * (state, event): TO(state) where the move is legal, 0 where it is refused; VE_KILL apart. */
#define TO(s) ((s) + 1)
static const int square[VC_NSTATES][VE_NEVENTS] = {
    [VC_NEW] = {[VE_TCP_BIND] = TO(VC_TCP_BOUND),
		[VE_UDP_BIND] = TO(VC_UDP_BOUND),
		[VE_CONNECT] = TO(VC_TCP_CONNECTING),
		[VE_ACCEPT] = TO(VC_TCP_CONNECTED)},
    [VC_TCP_BOUND] = {[VE_LISTEN] = TO(VC_TCP_LISTEN), [VE_CONNECT] = TO(VC_TCP_CONNECTING)},
    [VC_TCP_CONNECTING] =
	{[VE_ESTABLISHED] = TO(VC_TCP_CONNECTED), [VE_CONNECT_FAILED] = TO(VC_TCP_FAILED)},
    [VC_TCP_CONNECTED] = {[VE_PEER_FIN] = TO(VC_TCP_PEER_FIN), [VE_RESET] = TO(VC_TCP_RESET)},
    [VC_TCP_PEER_FIN] = {[VE_EOF_GIVEN] = TO(VC_TCP_CLOSING), [VE_RESET] = TO(VC_TCP_RESET)},
    [VC_TCP_CLOSING] = {[VE_RESET] = TO(VC_TCP_RESET)},
    [VC_UDP_BOUND] = {[VE_CONNECT] = TO(VC_UDP_CONNECTED)},
};

static int expected(int s, int e)
{
	if (s == VC_DEAD)
		return -EINVAL;
	if (e == VE_KILL)
		return VC_DEAD;
	return square[s][e] ? square[s][e] - 1 : -EINVAL;
}

/* Walk a path of events from VC_NEW; the state reached, or -EINVAL at the first refusal. */
static int walk(const enum vconn_event *evs, size_t n)
{
	int s = VC_NEW;

	for (size_t i = 0; i < n && s >= 0; i++)
		s = vconn_fsm_next((enum vconn_state)s, evs[i]);
	return s;
}

int main(void)
{
	int nlegal = 0, nrefused = 0, nlisted = 0, wrong = 0;

	/* Every legal move, one test each. */
	for (int s = 0; s < VC_NSTATES; s++) {
		for (int e = 0; e < VE_NEVENTS; e++) {
			if (!square[s][e])
				continue;
			is_int(vconn_fsm_next(s, e), square[s][e] - 1, "%s --%s--> %s",
			       vconn_fsm_state_name(s), vconn_fsm_event_name(e),
			       vconn_fsm_state_name(square[s][e] - 1));
			nlisted++;
		}
	}
	for (int s = 0; s < VC_NSTATES; s++) {
		if (s == VC_DEAD)
			is_int(vconn_fsm_next(s, VE_KILL), -EINVAL, "dead --kill--> refused");
		else
			is_int(vconn_fsm_next(s, VE_KILL), VC_DEAD, "%s --kill--> dead",
			       vconn_fsm_state_name(s));
	}
	/* The whole square: whatever is not listed is refused. */
	for (int s = 0; s < VC_NSTATES; s++) {
		for (int e = 0; e < VE_NEVENTS; e++) {
			int got = vconn_fsm_next(s, e), want = expected(s, e);

			if (got != want) {
				diag("%s --%s--> got %d, want %d", vconn_fsm_state_name(s),
				     vconn_fsm_event_name(e), got, want);
				wrong++;
			}
			if (want < 0)
				nrefused++;
			else
				nlegal++;
		}
	}
	is_int(wrong, 0, "all %d (state, event) pairs: %d legal, %d refused", nlegal + nrefused,
	       nlegal, nrefused);
	is_int(nlegal, nlisted + VC_NSTATES - 1,
	       "legal moves: the listed ones and kill from every live state");

	/* Some illegal moves by name: a program's or a peer's doing must never reach these. */
	is_int(vconn_fsm_next(VC_TCP_LISTEN, VE_CONNECT), -EINVAL, "a listener does not connect");
	is_int(vconn_fsm_next(VC_TCP_CONNECTED, VE_CONNECT), -EINVAL,
	       "connected: no second connect");
	is_int(vconn_fsm_next(VC_TCP_CONNECTING, VE_PEER_FIN), -EINVAL,
	       "no FIN before the handshake");
	is_int(vconn_fsm_next(VC_TCP_CONNECTING, VE_RESET), -EINVAL,
	       "a failed connect is connect-failed, not reset");
	is_int(vconn_fsm_next(VC_TCP_PEER_FIN, VE_PEER_FIN), -EINVAL, "one FIN only");
	is_int(vconn_fsm_next(VC_TCP_CLOSING, VE_EOF_GIVEN), -EINVAL, "EOF is given once");
	is_int(vconn_fsm_next(VC_TCP_FAILED, VE_ESTABLISHED), -EINVAL, "failed stays failed");
	is_int(vconn_fsm_next(VC_UDP_CONNECTED, VE_CONNECT), -EINVAL,
	       "a connected UDP socket is not connected again (the intercept makes a new one)");
	is_int(vconn_fsm_next(VC_UDP_BOUND, VE_LISTEN), -EINVAL, "UDP does not listen");
	is_int(vconn_fsm_next(VC_TCP_BOUND, VE_UDP_BIND), -EINVAL, "a TCP socket stays TCP");
	is_int(vconn_fsm_next(VC_NEW, VE_ESTABLISHED), -EINVAL, "nothing is established unasked");
	is_int(vconn_fsm_next(VC_NSTATES, VE_KILL), -EINVAL, "an out-of-range state is refused");
	is_int(vconn_fsm_next(VC_NEW, VE_NEVENTS), -EINVAL, "an out-of-range event is refused");

	/* Whole lives, as the handlers and callbacks drive them. */
	{
		enum vconn_event active[] = {VE_CONNECT, VE_ESTABLISHED, VE_PEER_FIN, VE_EOF_GIVEN,
					     VE_KILL};
		enum vconn_event bound[] = {VE_TCP_BIND, VE_CONNECT, VE_CONNECT_FAILED, VE_KILL};
		enum vconn_event server[] = {VE_TCP_BIND, VE_LISTEN, VE_KILL};
		enum vconn_event accepted[] = {VE_ACCEPT, VE_PEER_FIN, VE_RESET, VE_KILL};
		enum vconn_event udp[] = {VE_UDP_BIND, VE_CONNECT, VE_KILL};
		enum vconn_event twice[] = {VE_UDP_BIND, VE_CONNECT, VE_KILL, VE_KILL};

		is_int(walk(active, 5), VC_DEAD, "active open, peer closes, program closes");
		is_int(walk(bound, 4), VC_DEAD, "bind, connect refused, SO_ERROR read");
		is_int(walk(server, 3), VC_DEAD, "bind, listen, close");
		is_int(walk(accepted, 4), VC_DEAD, "accepted, FIN, then a reset");
		is_int(walk(udp, 3), VC_DEAD, "UDP bind, connect, close");
		is_int(walk(twice, 4), -EINVAL, "killed twice: refused");
	}

	/* What the program sees. */
	is_int(vconn_fsm_nc_state(VC_TCP_PEER_FIN), NC_ST_CONNECTED,
	       "a FIN not yet passed on still reads connected");
	is_int(vconn_fsm_nc_state(VC_TCP_CLOSING), NC_ST_CLOSING, "closing");
	is_int(vconn_fsm_nc_state(VC_UDP_BOUND), NC_ST_BOUND, "UDP bound");
	is_int(vconn_fsm_nc_state(VC_UDP_CONNECTED), NC_ST_CONNECTED, "UDP connected");
	is_int(vconn_fsm_nc_state(VC_TCP_FAILED), NC_ST_FAILED, "failed");
	is_int(vconn_fsm_nc_state(VC_NEW), 0, "new: no state to show");
	ok(vconn_fsm_is_udp(VC_UDP_CONNECTED) && !vconn_fsm_is_udp(VC_TCP_CONNECTED),
	   "the protocol follows from the state");
	ok(!strcmp(vconn_fsm_state_name(VC_TCP_PEER_FIN), "tcp-peer-fin") &&
	       !strcmp(vconn_fsm_event_name(VE_EOF_GIVEN), "eof-given"),
	   "names for the log");
	return done_testing();
}
