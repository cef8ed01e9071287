// scanner.h - which protocol versions and cipher suites the server accepts.
//
// scan() works like sslscan/testssl.sh, with hand-built ClientHellos only:
//   1. one probe per version (SSLv3 .. TLS 1.3) offering every candidate;
//   2. for each accepted version, the candidates in chunks of 128: offer the
//      chunk, note the suite the server picks, drop it, offer the rest again
//      until the server refuses (accepted suites + 1 probes per chunk);
//   3. per version with two or more suites, offer them in two opposite orders
//      to see whether the server enforces its own order.
// At most opt.parallel connections are open at once; a server that refuses
// connections (connection refused, 421, dropped before the banner: Exim's
// smtp_accept_max) makes the scanner back off exponentially and lower its
// parallelism. Failure modes: never throws for the server's behaviour; a
// probe that keeps failing is listed in `errors` and makes the result
// incomplete (the caller turns that into an UNKNOWN finding).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tlscheck/client_hello.h"
#include "tlscheck/options.h"

namespace tlscheck {

struct ProtocolScan {
    TlsVersion version = TlsVersion::tls1_2;
    bool accepted = false;
    std::vector<std::uint16_t> suites;      // accepted, in the order found
    std::optional<bool> server_order;       // set when two or more suites
    std::optional<std::uint16_t> preferred; // the server's choice when it enforces its order
};

struct ScanResult {
    std::vector<ProtocolScan> protocols; // SSLv3 .. TLS 1.3
    std::size_t probes = 0;
    std::size_t busy_retries = 0;
    std::vector<std::string> errors;
    double elapsed_ms = 0;

    const ProtocolScan* find(TlsVersion v) const;
};

// The candidate suites for a version (TLS 1.3 suites only for TLS 1.3; no
// SHA-2/AEAD suites below TLS 1.2).
std::vector<std::uint16_t> candidates_for(TlsVersion v);

using ProgressFn = std::function<void(std::size_t probes_done)>;
ScanResult scan(const Options& opt, const ProgressFn& progress = {});

} // namespace tlscheck
