// prober.h - one ClientHello probe over a fresh connection.
//
// probe() connects, walks the SMTP dialogue up to the STARTTLS "220" (or
// nothing, for implicit TLS), sends a hand-built ClientHello and reads the
// ServerHello or alert. Never throws for what the server does: the outcome
// says accepted / rejected / busy (connection refused, 421 or dropped before
// the banner: back off and retry) / failed (timeout, garbage, no STARTTLS).
#pragma once

#include <string>
#include <vector>

#include "tlscheck/client_hello.h"
#include "tlscheck/options.h"

namespace tlscheck {

struct ProbeOutcome {
    enum class Kind { accepted, rejected, busy, failed } kind = Kind::failed;
    std::uint16_t suite = 0;   // when accepted
    std::uint16_t version = 0; // what the server answered with
    std::string detail;
};

ProbeOutcome probe(const Options& opt, TlsVersion version,
                   const std::vector<std::uint16_t>& suites);

} // namespace tlscheck
