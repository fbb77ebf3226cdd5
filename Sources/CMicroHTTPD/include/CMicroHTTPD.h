// Thin C glue around libmicrohttpd for Swift: MHD's variadic entry points cannot be called
// from Swift, so each gets a fixed-signature wrapper here. No logic beyond that.
#ifndef KREISHAUS_CMICROHTTPD_H
#define KREISHAUS_CMICROHTTPD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// Options for one listening daemon; all limits are enforced by MHD itself.
typedef struct kh_daemon_options {
    const char *bind_address;          /* IPv4 or IPv6 literal, e.g. "127.0.0.1" or "::1" */
    uint16_t port;                     /* 0 picks an ephemeral port */
    unsigned int thread_pool_size;     /* MHD's internal thread pool, each thread on epoll */
    unsigned int connection_limit;     /* total concurrent connections */
    unsigned int per_ip_connection_limit;
    unsigned int connection_timeout;   /* idle seconds before a connection is closed */
    size_t connection_memory_limit;    /* per-connection buffer; bounds request line and headers */
    unsigned int listen_backlog;
} kh_daemon_options;

/// Called with each message MHD logs (already formatted).
typedef void (*kh_log_callback)(void *cls, const char *message);

/// Starts a daemon. Returns NULL and sets errno when the address is invalid or binding fails.
struct MHD_Daemon *kh_start_daemon(const kh_daemon_options *options,
                                   MHD_AccessHandlerCallback handler, void *handler_cls,
                                   MHD_RequestCompletedCallback completed, void *completed_cls,
                                   MHD_NotifyConnectionCallback connection_notify, void *notify_cls,
                                   kh_log_callback logger, void *logger_cls);

/// The port the daemon is bound to (useful after binding port 0), or 0.
uint16_t kh_daemon_port(struct MHD_Daemon *daemon);

/// Writes the client's address as text ("192.0.2.1", "::1") into buffer; returns 0 on success.
int kh_client_address(struct MHD_Connection *connection, char *buffer, size_t length);

/// The socket context the connection-notify callback stored for this connection, or NULL.
void *kh_socket_context(struct MHD_Connection *connection);

#endif
