#include "CMicroHTTPD.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct kh_logger {
    kh_log_callback callback;
    void *cls;
};

/* One per daemon would be cleaner, but MHD copies only the pointer we give it, so the
 * logger struct must outlive the daemon; the daemon's own lifetime is process-long. */
static void kh_forward_log(void *cls, const char *format, va_list arguments) {
    struct kh_logger *logger = cls;
    char message[1024];
    vsnprintf(message, sizeof message, format, arguments);
    size_t length = strlen(message);
    while (length > 0 && (message[length - 1] == '\n' || message[length - 1] == '\r')) {
        message[--length] = '\0';
    }
    logger->callback(logger->cls, message);
}

/* Keep the path and query arguments exactly as sent: Swift decodes them itself, so that a
 * malformed escape is a clear 400 rather than silently passed through. */
static size_t kh_keep_escaped(void *cls, struct MHD_Connection *connection, char *text) {
    (void)cls;
    (void)connection;
    return strlen(text);
}

struct MHD_Daemon *kh_start_daemon(const kh_daemon_options *options,
                                   MHD_AccessHandlerCallback handler, void *handler_cls,
                                   MHD_RequestCompletedCallback completed, void *completed_cls,
                                   MHD_NotifyConnectionCallback connection_notify, void *notify_cls,
                                   kh_log_callback logger, void *logger_cls) {
    struct sockaddr_storage address;
    memset(&address, 0, sizeof address);
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;

    struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
    if (inet_pton(AF_INET, options->bind_address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(options->port);
    } else if (inet_pton(AF_INET6, options->bind_address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(options->port);
        flags |= MHD_USE_IPv6;
    } else {
        errno = EINVAL;
        return NULL;
    }

    static struct kh_logger loggers[16];
    static int logger_count = 0;
    struct kh_logger *log_target = NULL;
    if (logger != NULL) {
        int slot = __atomic_fetch_add(&logger_count, 1, __ATOMIC_SEQ_CST) % 16;
        loggers[slot].callback = logger;
        loggers[slot].cls = logger_cls;
        log_target = &loggers[slot];
    }

    if (log_target == NULL) {
        errno = EINVAL;
        return NULL;
    }
    /* The logger must be the first option, or MHD logs early messages itself. */
    return MHD_start_daemon(
        flags, options->port, NULL, NULL, handler, handler_cls,
        MHD_OPTION_EXTERNAL_LOGGER, kh_forward_log, log_target,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_THREAD_POOL_SIZE, options->thread_pool_size,
        MHD_OPTION_CONNECTION_LIMIT, options->connection_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, options->per_ip_connection_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, options->connection_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, options->connection_memory_limit,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, options->listen_backlog,
        MHD_OPTION_UNESCAPE_CALLBACK, kh_keep_escaped, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
        MHD_OPTION_NOTIFY_CONNECTION, connection_notify, notify_cls,
        MHD_OPTION_END);
}

uint16_t kh_daemon_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

int kh_client_address(struct MHD_Connection *connection, char *buffer, size_t length) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL || length == 0) {
        return -1;
    }
    const struct sockaddr *address = info->client_addr;
    const void *source;
    if (address->sa_family == AF_INET) {
        source = &((const struct sockaddr_in *)address)->sin_addr;
    } else if (address->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
        /* Report IPv4-mapped IPv6 addresses as plain IPv4. */
        if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
            return inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], buffer, (socklen_t)length) ? 0 : -1;
        }
        source = &v6->sin6_addr;
    } else {
        return -1;
    }
    return inet_ntop(address->sa_family, source, buffer, (socklen_t)length) ? 0 : -1;
}

void *kh_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}
