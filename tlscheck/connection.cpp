// connection.cpp - TCP connect/read/write with poll() deadlines; see connection.h.
#include "tlscheck/connection.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace tlscheck {
namespace {

struct AddrInfoFree {
    void operator()(addrinfo* p) const noexcept { freeaddrinfo(p); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoFree>;

std::string describe(const sockaddr* sa) {
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (sa->sa_family == AF_INET) {
        auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
        return std::string(host) + ":" + std::to_string(port);
    }
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    port = ntohs(in6->sin6_port);
    return "[" + std::string(host) + "]:" + std::to_string(port);
}

// Closes the descriptor unless released.
struct FdGuard {
    int fd;
    ~FdGuard() {
        if (fd >= 0)
            ::close(fd);
    }
    int release() { return std::exchange(fd, -1); }
};

} // namespace

bool is_ip_literal(const std::string& text) {
    unsigned char buf[sizeof(in6_addr)];
    return inet_pton(AF_INET, text.c_str(), buf) == 1 ||
           inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

Connection Connection::open(const std::string& host, unsigned port, Millis timeout,
                            AddressFamily family) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = family == AddressFamily::ipv4   ? AF_INET
                      : family == AddressFamily::ipv6 ? AF_INET6
                                                      : AF_UNSPEC;
    hints.ai_flags = AI_ADDRCONFIG;
    if (is_ip_literal(host))
        hints.ai_flags = AI_NUMERICHOST;
    addrinfo* raw = nullptr;
    int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &raw);
    if (rc != 0)
        throw ConnectError("cannot resolve " + host + ": " + gai_strerror(rc), false);
    AddrInfoPtr list(raw);

    std::string errors;
    bool all_refused = true;
    for (addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
        std::string peer = describe(ai->ai_addr);
        FdGuard sock{::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                              ai->ai_protocol)};
        if (sock.fd < 0)
            throw ConnectError(std::string("socket: ") + std::strerror(errno), false);
        int err = 0;
        if (::connect(sock.fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            err = errno;
            if (err == EINPROGRESS) {
                pollfd p{sock.fd, POLLOUT, 0};
                int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
                if (n == 0) {
                    err = ETIMEDOUT;
                } else {
                    socklen_t len = sizeof err;
                    getsockopt(sock.fd, SOL_SOCKET, SO_ERROR, &err, &len);
                }
            }
        }
        if (err == 0) {
            int one = 1;
            setsockopt(sock.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return Connection(sock.release(), peer);
        }
        if (err != ECONNREFUSED)
            all_refused = false;
        if (!errors.empty())
            errors += "; ";
        errors += peer + ": " + (err == ETIMEDOUT ? "connect timed out" : std::strerror(err));
    }
    throw ConnectError("cannot connect to " + host + " port " + std::to_string(port) + " (" +
                           errors + ")",
                       all_refused);
}

Connection::Connection(Connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), peer_(std::move(other.peer_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        peer_ = std::move(other.peer_);
    }
    return *this;
}

Connection::~Connection() {
    if (fd_ >= 0)
        ::close(fd_);
}

void Connection::wait(bool for_read, Millis timeout) const {
    pollfd p{fd_, static_cast<short>(for_read ? POLLIN : POLLOUT), 0};
    for (;;) {
        int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
        if (n > 0)
            return;
        if (n == 0)
            throw IoError(std::string("timed out after ") + std::to_string(timeout.count()) +
                              " ms waiting to " + (for_read ? "read" : "write"),
                          true);
        if (errno != EINTR)
            throw IoError(std::string("poll: ") + std::strerror(errno), false);
    }
}

void Connection::write_all(std::string_view data, Millis timeout) {
    while (!data.empty()) {
        ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            wait(false, timeout);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        throw IoError(std::string("write: ") + std::strerror(errno), false);
    }
}

std::size_t Connection::read_some(char* buf, std::size_t len, Millis timeout) {
    for (;;) {
        ssize_t n = ::recv(fd_, buf, len, 0);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            wait(true, timeout);
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == ECONNRESET)
            return 0;
        throw IoError(std::string("read: ") + std::strerror(errno), false);
    }
}

} // namespace tlscheck
