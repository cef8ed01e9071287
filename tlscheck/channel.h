// channel.h - a byte stream the SMTP dialogue runs over: plain TCP, or TLS.
//
// The SMTP client does not care whether it talks in clear or through TLS;
// after STARTTLS it is handed the TLS channel. Failure modes: IoError (see
// connection.h) from either implementation; read_some() returns 0 at EOF.
#pragma once

#include "tlscheck/connection.h"

namespace tlscheck {

class Channel {
  public:
    virtual ~Channel() = default;
    virtual std::size_t read_some(char* buf, std::size_t len, Millis timeout) = 0;
    virtual void write_all(std::string_view data, Millis timeout) = 0;
};

class PlainChannel final : public Channel {
  public:
    explicit PlainChannel(Connection& conn) : conn_(conn) {}
    std::size_t read_some(char* buf, std::size_t len, Millis timeout) override {
        return conn_.read_some(buf, len, timeout);
    }
    void write_all(std::string_view data, Millis timeout) override {
        conn_.write_all(data, timeout);
    }

  private:
    Connection& conn_;
};

} // namespace tlscheck
