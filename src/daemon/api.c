// SPDX-License-Identifier: BSD-2-Clause
/* ZeroTier's local HTTP API (zerotier-cli, ztncui, Prometheus) on 127.0.0.1 and ::1.
 *
 * No HTTP library: the surface is a handful of JSON endpoints on loopback, and the parser
 * (common/http.c) is small enough to fuzz whole; libmicrohttpd would bring its own threads into a
 * daemon that runs one epoll loop. Every client is bounded: 8 KiB of head, 64 KiB of body,
 * API_MAX_CONNS connections, API_TIMEOUT_MS to send a whole request (or read the answer), so a
 * slow or broken client costs the others nothing. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "common/file.h"
#include "common/http.h"
#include "common/json.h"
#include "common/log.h"
#include "daemon/api.h"
#include "daemon/api_routes.h"

#define API_MAX_CONNS 64
#define API_TIMEOUT_MS 10000 /* to send one request, or to read its answer */
#define API_LINGER_MS 2000 /* after an error answer, reading what the client still sends */
#define API_IN_MAX (HTTP_MAX_HEAD + HTTP_MAX_BODY)
#define API_TOKEN_LEN 24 /* zerotier-one's authtoken.secret */
#define API_TOKEN_FILE_MAX 255 /* a longer token file is not ours: a new token replaces it */

struct api_listener {
	struct loop_obj obj;
	int fd;
};

struct api_conn {
	struct loop_obj obj;
	int fd;
	bool closing; /* answer then close */
	bool draining; /* answered and shut down: discard input until EOF */
	int64_t deadline; /* CLOCK_MONOTONIC ms */
	uint8_t *in;
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	struct api_conn *next;
};

static struct api_listener listeners[2] = {{.fd = -1}, {.fd = -1}};
static struct loop_obj timer_obj = {.type = LOOP_API_TIMER};
static int timer_fd = -1;
static bool timer_armed;
static struct api_conn *conns, *dead;
static unsigned nconns;
static char auth_token[API_TOKEN_LEN + 1], metrics_token[API_TOKEN_LEN + 1];

static int64_t api_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* HOME/NAME holds a token: read it, or make one of API_TOKEN_LEN [a-z0-9] (mode 0600). */
static int api_token(const char *home, const char *name, char *out)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char *path = file_path("%s/%s", home, name), *buf = NULL;
	ssize_t n;
	size_t k = 0;
	int r;

	if (!path)
		return -ENOMEM;
	n = file_read(path, API_TOKEN_FILE_MAX, 0, &buf);
	if (n >= 0 || n == -EFBIG) {
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
			n--;
		if (n > 0 && n <= API_TOKEN_LEN) {
			memcpy(out, buf, (size_t)n);
			out[n] = 0;
			r = 0;
			goto out;
		}
		log_warn("%s: not a usable token; making a new one", path);
	} else if (n != -ENOENT) {
		r = (int)n;
		goto out;
	}
	while (k < API_TOKEN_LEN) {
		uint8_t rnd[32];

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
			r = -EIO;
			goto out;
		}
		/* 252 = 7 * 36: below it every character is equally likely. */
		for (size_t i = 0; i < sizeof(rnd) && k < API_TOKEN_LEN; i++)
			if (rnd[i] < 252)
				out[k++] = alphabet[rnd[i] % 36];
	}
	out[k] = 0;
	r = file_write_atomic(path, out, API_TOKEN_LEN, 0600);
out:
	free(buf);
	free(path);
	return r;
}

static int api_write_port(const char *home, uint16_t port)
{
	char *path = file_path("%s/zerotier-one.port", home), buf[16];
	int n = snprintf(buf, sizeof(buf), "%u", port);
	int r = path ? file_write_atomic(path, buf, (size_t)n, 0644) : -ENOMEM;

	free(path);
	return r;
}

static int api_listen(int family, uint16_t port)
{
	struct sockaddr_in6 s6 = {
	    .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	struct sockaddr_in s4 = {.sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd, one = 1;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if ((family == AF_INET6 ? bind(fd, (struct sockaddr *)&s6, sizeof(s6))
				: bind(fd, (struct sockaddr *)&s4, sizeof(s4))) < 0 ||
	    listen(fd, 64) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int api_start(const char *home, uint16_t port)
{
	int r, nl = 0;

	r = api_token(home, "authtoken.secret", auth_token);
	if (r == 0)
		r = api_token(home, "metricstoken.secret", metrics_token);
	if (r < 0) {
		log_err("local API: tokens in %s: %s", home, strerror(-r));
		return r;
	}
	for (int i = 0; i < 2; i++) {
		int fd = api_listen(i ? AF_INET6 : AF_INET, port);

		listeners[i].obj.type = LOOP_API_LISTEN;
		listeners[i].fd = -1;
		if (fd < 0) {
			/* ::1 is missing where IPv6 is off; 127.0.0.1 is what zerotier-cli uses. */
			log_warn("local API: TCP port %u on %s: %s", port, i ? "::1" : "127.0.0.1",
				 strerror(-fd));
			continue;
		}
		r = loop_add(fd, EPOLLIN, &listeners[i].obj);
		if (r < 0) {
			close(fd);
			continue;
		}
		listeners[i].fd = fd;
		nl++;
	}
	if (!nl)
		return -EADDRINUSE;
	timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (timer_fd < 0 || loop_add(timer_fd, EPOLLIN, &timer_obj) < 0) {
		r = -errno;
		api_stop();
		return r;
	}
	r = api_write_port(home, port);
	if (r < 0)
		log_warn("local API: writing %s/zerotier-one.port: %s", home, strerror(-r));
	log_info("local API on TCP port %u", port);
	return 0;
}

/* The timer ticks once a second while any connection is open. */
static void api_timer_arm(bool on)
{
	struct itimerspec its = {{0, 0}, {0, 0}};

	if (timer_fd < 0 || timer_armed == on)
		return;
	if (on) {
		its.it_value.tv_sec = 1;
		its.it_interval.tv_sec = 1;
	}
	timerfd_settime(timer_fd, 0, &its, NULL);
	timer_armed = on;
}

static void api_close(struct api_conn *c)
{
	struct api_conn **pp;

	if (c->obj.dead)
		return;
	for (pp = &conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	loop_del(c->fd);
	close(c->fd);
	c->fd = -1;
	c->obj.dead = 1;
	c->next = dead;
	dead = c;
	nconns--;
}

void api_reap(void)
{
	while (dead) {
		struct api_conn *c = dead;

		dead = c->next;
		free(c->in);
		free(c->out);
		free(c);
	}
}

/* Queue an answer (only its head for HEAD); the connection stops reading until it has gone
 * out. */
static void api_respond_head(struct api_conn *c, int status, const char *ctype, const char *body,
			     size_t len, bool keep_alive, bool head_only)
{
	char head[512];
	size_t blen = head_only ? 0 : len;
	int n;

	n = snprintf(head, sizeof(head),
		     "HTTP/1.1 %d %s\r\nCache-Control: no-cache\r\nPragma: no-cache\r\n"
		     "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: %s\r\n\r\n",
		     status, http_reason(status), ctype, len, keep_alive ? "keep-alive" : "close");
	free(c->out);
	c->out = malloc((size_t)n + blen);
	if (!c->out) {
		api_close(c);
		return;
	}
	memcpy(c->out, head, (size_t)n);
	if (blen)
		memcpy(c->out + n, body, blen);
	c->out_len = (size_t)n + blen;
	c->out_off = 0;
	c->closing = !keep_alive;
	c->deadline = api_now() + API_TIMEOUT_MS;
}

static void api_respond(struct api_conn *c, int status, const char *ctype, const char *body,
			size_t len, bool keep_alive)
{
	api_respond_head(c, status, ctype, body, len, keep_alive, false);
}

static void api_error(struct api_conn *c, int status)
{
	api_respond(c, status, "application/json", "{}", 2, false);
}

/* Constant time, so the token does not leak through timing. */
static bool api_token_ok(const char *given, const char *want)
{
	size_t gl = strlen(given), wl = strlen(want);
	unsigned char d = gl != wl;

	for (size_t i = 0; i < wl; i++)
		d |= (unsigned char)(want[i] ^ (i < gl ? given[i] : 0));
	return wl && !d;
}

static void api_handle(struct api_conn *c, const struct http_req *req)
{
	struct json_buf b;
	const char *ctype = "application/json";
	int status;
	bool metrics = strcmp(req->path, "/metrics") == 0;

	if (metrics ? !api_token_ok(req->bearer, metrics_token)
		    : !api_token_ok(req->auth, auth_token)) {
		api_respond(c, 401, ctype, "{}", 2, req->keep_alive);
		return;
	}
	json_buf_init(&b);
	status = api_route(req, nconns, &b, &ctype);
	if (b.err) {
		json_buf_free(&b);
		api_error(c, 500);
		return;
	}
	api_respond_head(c, status, ctype, b.p ? b.p : "", b.len, req->keep_alive,
			 req->method == HTTP_HEAD);
	json_buf_free(&b);
}

/* Parse what is buffered; answer one request at a time. */
static void api_process(struct api_conn *c)
{
	struct http_req req;
	int n;

	if (c->out || c->draining)
		return;
	n = http_parse(c->in, c->in_len, &req);
	if (n == -EAGAIN) {
		if (c->in_len >= API_IN_MAX)
			api_error(c, 413);
		return;
	}
	if (n < 0) {
		api_error(c, n == -EMSGSIZE ? 413 : 400);
		return;
	}
	api_handle(c, &req);
	memmove(c->in, c->in + n, c->in_len - (size_t)n);
	c->in_len -= (size_t)n;
}

/* Send what is queued; then close, keep reading, or wait for EPOLLOUT. */
static void api_flush(struct api_conn *c)
{
	while (c->out && c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			api_close(c);
			return;
		}
		c->out_off += (size_t)w;
	}
	if (c->out && c->out_off < c->out_len) {
		loop_mod(c->fd, EPOLLOUT, &c->obj);
		return;
	}
	free(c->out);
	c->out = NULL;
	if (c->closing) {
		/* Read what the client still sends (a body we refused) so the close does not reset
		 * the connection before it has read our answer. */
		shutdown(c->fd, SHUT_WR);
		c->draining = true;
		c->in_len = 0;
		c->deadline = api_now() + API_LINGER_MS;
	} else {
		c->deadline = api_now() + API_TIMEOUT_MS;
	}
	loop_mod(c->fd, EPOLLIN, &c->obj);
	/* A pipelined request may already be buffered. */
	if (!c->draining && c->in_len) {
		api_process(c);
		if (c->out)
			api_flush(c);
	}
}

static void api_read(struct api_conn *c)
{
	for (;;) {
		uint8_t sink[4096];
		uint8_t *dst = c->draining ? sink : c->in + c->in_len;
		size_t room = c->draining ? sizeof(sink) : API_IN_MAX - c->in_len;
		ssize_t r;

		if (room == 0)
			break;
		r = recv(c->fd, dst, room, MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			api_close(c);
			return;
		}
		if (r < 0)
			break;
		if (!c->draining)
			c->in_len += (size_t)r;
	}
	api_process(c);
	if (c->out)
		api_flush(c);
}

static void api_accept(struct api_listener *l)
{
	for (;;) {
		struct api_conn *c;
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		if (nconns >= API_MAX_CONNS) {
			static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
						   "Content-Length: 0\r\nConnection: close\r\n\r\n";

			if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				log_debug("local API: refusing a connection: %m");
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (c)
			c->in = malloc(API_IN_MAX);
		if (!c || !c->in || loop_add(fd, EPOLLIN, &c->obj) < 0) {
			if (c)
				free(c->in);
			free(c);
			close(fd);
			continue;
		}
		c->obj.type = LOOP_API_CONN;
		c->fd = fd;
		c->deadline = api_now() + API_TIMEOUT_MS;
		c->next = conns;
		conns = c;
		nconns++;
		api_timer_arm(true);
	}
}

/* Once a second: a client past its deadline gets 408 (if it had started a request) and goes. */
static void api_tick(void)
{
	uint64_t exp;
	int64_t now = api_now();
	struct api_conn *c, *next;

	if (read(timer_fd, &exp, sizeof(exp)) < 0 && errno != EAGAIN)
		log_debug("local API timer: %m");
	for (c = conns; c; c = next) {
		next = c->next;
		if (now < c->deadline)
			continue;
		if (!c->out && !c->draining && c->in_len) {
			api_error(c, 408);
			c->deadline = now + API_LINGER_MS;
			api_flush(c);
		} else {
			api_close(c);
		}
	}
	if (!conns)
		api_timer_arm(false);
}

void api_event(struct loop_obj *obj, uint32_t events)
{
	if (obj->type == LOOP_API_LISTEN) {
		api_accept((struct api_listener *)obj);
	} else if (obj->type == LOOP_API_TIMER) {
		api_tick();
	} else {
		struct api_conn *c = (struct api_conn *)obj;

		if (events & EPOLLOUT)
			api_flush(c);
		else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			api_read(c);
	}
}

void api_stop(void)
{
	while (conns)
		api_close(conns);
	api_reap();
	for (int i = 0; i < 2; i++)
		if (listeners[i].fd >= 0) {
			loop_del(listeners[i].fd);
			close(listeners[i].fd);
			listeners[i].fd = -1;
		}
	if (timer_fd >= 0) {
		loop_del(timer_fd);
		close(timer_fd);
		timer_fd = -1;
	}
	timer_armed = false;
}
