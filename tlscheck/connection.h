// connection.h - one TCP connection with deadlines (IPv4 and IPv6).
//
// Connection::open() resolves HOST (name, IPv4 or IPv6 literal) and tries
// each address in turn with a non-blocking connect bounded by the timeout.
// Reads and writes wait with poll() and never block past their timeout.
// Failure modes (all exceptions):
//   ConnectError  - name does not resolve, every address refused or timed out
//                   (refused() tells the two apart, for back-off);
//   IoError       - a read or write timed out or the socket failed;
// read_some() returns 0 when the peer closed the connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tlscheck {

using Millis = std::chrono::milliseconds;

struct ConnectError : std::runtime_error {
    ConnectError(const std::string& what, bool refused)
        : std::runtime_error(what), refused_(refused) {}
    bool refused() const { return refused_; }

  private:
    bool refused_;
};

struct IoError : std::runtime_error {
    IoError(const std::string& what, bool timed_out)
        : std::runtime_error(what), timed_out_(timed_out) {}
    bool timed_out() const { return timed_out_; }

  private:
    bool timed_out_;
};

enum class AddressFamily { any, ipv4, ipv6 };

class Connection {
  public:
    static Connection open(const std::string& host, unsigned port, Millis timeout,
                           AddressFamily family = AddressFamily::any);
    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    int fd() const { return fd_; }
    const std::string& peer() const { return peer_; } // "127.0.0.1:25", "[::1]:25"

    void write_all(std::string_view data, Millis timeout);
    std::size_t read_some(char* buf, std::size_t len, Millis timeout);
    // Wait until fd is readable (true) or writable (false) or the timeout passes.
    void wait(bool for_read, Millis timeout) const;

  private:
    Connection(int fd, std::string peer) : fd_(fd), peer_(std::move(peer)) {}
    int fd_ = -1;
    std::string peer_;
};

// True when text is an IPv4 or IPv6 address literal (no brackets).
bool is_ip_literal(const std::string& text);

} // namespace tlscheck
