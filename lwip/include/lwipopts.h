/* netcon's lwIP configuration (lwip/fetch.sh, the Makefile's LWIP=own): the daemon's one-thread
 * use of lwIP, as Debian's liblwip is built (doc/design.md, "lwIP"), with TCP sized for long
 * paths: 4 MiB windows by window scaling, a 4 MiB send buffer, SACK sent. Memory comes from
 * malloc per segment and pcb (MEM_LIBC_MALLOC, MEMP_MEM_MALLOC), so a large window costs nothing
 * while a connection is idle. */
#ifndef NETCON_LWIPOPTS_H
#define NETCON_LWIPOPTS_H

/* lwIP's own thread and API layers are not built: NO_SYS 0 only for the loopback hand-off
 * (tcpip_try_callback, which stack.c defines) and the unix port's sys_now. */
#define NO_SYS 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_TCPIP_CORE_LOCKING 0

#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_USE_POOLS 0
#define MEM_ALIGNMENT 8

#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ARP_QUEUEING 1
#define ARP_QUEUE_LEN 10
#define LWIP_ICMP 1
#define LWIP_ICMP6 1
#define LWIP_IGMP 1
#define LWIP_IPV6_MLD 1
#define MEMP_NUM_MLD6_GROUP 16
#define LWIP_IPV6_NUM_ADDRESSES 6
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 1
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 1
#define IP_FORWARD 1
#define LWIP_IPV6_FORWARD 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_UDPLITE 1
#define LWIP_TCP 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 0
#define LWIP_NETIF_TX_SINGLE_PBUF 1
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1
#define LWIP_CHECKSUM_ON_COPY 1
/* Our checksum routine (lwip/src/chksum.c): 32-bit words instead of lwIP's 16-bit ones. With
 * LWIP_CHECKSUM_ON_COPY the copy into a segment is a memcpy and then this. */
#define LWIP_CHKSUM netcon_lwip_chksum
unsigned short netcon_lwip_chksum(const void *data, int len);
#define LWIP_MULTICAST_TX_OPTIONS 1
#define SO_REUSE 1
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_STATS 0
#define LWIP_NOASSERT_ON_ERROR 1

/* TCP for long paths. A window of 4 MiB fills 1.6 Gbit/s at 20 ms and 335 Mbit/s at 100 ms. The
 * scale 7 lets the window field say up to 8 MiB. The send queue counts segments (pbufs) as well
 * as bytes: room for the buffer in segments of a quarter MSS (small writes). */
/* The MSS a stock ZeroTier node's kernel uses on its 2800-byte MTU: a 1460-byte segment takes two
 * UDP datagrams of the underlay (1432 bytes each at most) as well, so this halves the datagrams
 * per byte. lwIP sends min(TCP_MSS, netif MTU - 40) and the peer's. */
#define TCP_MSS 2760
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 7
#define TCP_WND (4 << 20)
#define TCP_SND_BUF (4 << 20)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG TCP_SND_QUEUELEN
/* Writable again (the program's socketpair read) once this much is free; lwIP wants it 4 MSS
 * below 64 KiB. */
#define TCP_SNDLOWAT (16 * TCP_MSS)
/* lwIP counts retransmission timeouts in slow-timer ticks (2 * TCP_TMR_INTERVAL) and never goes
 * below 3 ticks. stack.c runs the slow timer 4 times as often: with a 125 ms fast timer a tick is
 * 62.5 ms, an RTO at least 187.5 ms (Linux: 200 ms), delayed ACKs at most 125 ms. */
#define TCP_TMR_INTERVAL 125
#define LWIP_TCP_SACK_OUT 1
#define LWIP_TCP_MAX_SACK_NUM 4

#endif
