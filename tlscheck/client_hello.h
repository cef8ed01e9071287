// client_hello.h - hand-built TLS ClientHello records and the server's answer.
//
// Debian's libssl cannot offer RC4, DES, EXPORT or SSLv3 at all, so the
// scanner writes its own ClientHello (RFC 5246 s.7.4.1.2, RFC 8446 s.4.1.2)
// for any version and any list of suite codes, and reads only as far as the
// ServerHello or an alert; no handshake is ever completed. Failure modes:
// HelloReader::feed() never throws; malformed input gives Kind::garbage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tlscheck {

enum class TlsVersion : std::uint16_t {
    ssl3 = 0x0300,
    tls1_0 = 0x0301,
    tls1_1 = 0x0302,
    tls1_2 = 0x0303,
    tls1_3 = 0x0304,
};
const char* version_name(TlsVersion v); // "SSLv3", "TLSv1.0", ...
inline constexpr TlsVersion all_versions[] = {TlsVersion::ssl3, TlsVersion::tls1_0,
                                              TlsVersion::tls1_1, TlsVersion::tls1_2,
                                              TlsVersion::tls1_3};

// A complete TLS record carrying a ClientHello. `sni` empty: no server_name.
std::string build_client_hello(TlsVersion version, const std::vector<std::uint16_t>& suites,
                               const std::string& sni);

struct HelloAnswer {
    enum class Kind { server_hello, alert, garbage } kind = Kind::garbage;
    std::uint16_t version = 0; // negotiated (supported_versions for TLS 1.3)
    std::uint16_t suite = 0;
    bool hello_retry = false;
    std::uint8_t alert_level = 0;
    std::uint8_t alert_description = 0;
    std::string detail;
};

class HelloReader {
  public:
    // Feed bytes from the server; returns the answer once one is complete.
    std::optional<HelloAnswer> feed(std::string_view bytes);

  private:
    std::string records_;
    std::string handshake_;
};

} // namespace tlscheck
