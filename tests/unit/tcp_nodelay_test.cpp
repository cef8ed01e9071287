// disable_nagle_on_tcp_listeners (milter/tcp_nodelay.h): TCP listeners get
// TCP_NODELAY, and a connection accepted afterwards has it too (Linux copies
// the listener's options to accepted sockets; the daemon relies on that,
// since libmilter accepts its connections out of reach).
#include "milter/tcp_nodelay.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <cstddef>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) { REQUIRE(fd_ >= 0); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { ::close(fd_); }
    int get() const { return fd_; }

  private:
    int fd_;
};

int nodelay(int fd) {
    int value = -1;
    socklen_t length = sizeof value;
    REQUIRE(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &length) == 0);
    return value;
}

sockaddr_in loopback_any_port() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

} // namespace

TEST_CASE("TCP listeners get TCP_NODELAY, and so do the connections they accept", "[tcp-nodelay]") {
    Fd listener(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in address = loopback_any_port();
    REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener.get(), 4) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length) == 0);

    // Neither a TCP socket that does not listen nor a unix listener is touched.
    Fd idle(::socket(AF_INET, SOCK_STREAM, 0));
    Fd unix_listener(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un unix_address{};
    unix_address.sun_family = AF_UNIX; // abstract name: nothing on disk
    const char name[] = "\0mailveil-tcp-nodelay-test";
    std::copy(name, name + sizeof name - 1, unix_address.sun_path);
    REQUIRE(::bind(unix_listener.get(), reinterpret_cast<sockaddr*>(&unix_address),
                   offsetof(sockaddr_un, sun_path) + sizeof name - 1) == 0);
    REQUIRE(::listen(unix_listener.get(), 1) == 0);

    CHECK(nodelay(listener.get()) == 0);
    CHECK(mailveil::milter::disable_nagle_on_tcp_listeners() == 1);
    CHECK(nodelay(listener.get()) == 1);
    CHECK(nodelay(idle.get()) == 0);

    Fd client(::socket(AF_INET, SOCK_STREAM, 0));
    REQUIRE(::connect(client.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    Fd accepted(::accept(listener.get(), nullptr, nullptr));
    CHECK(nodelay(accepted.get()) == 1);
}
