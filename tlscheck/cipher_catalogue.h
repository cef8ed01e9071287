// cipher_catalogue.h - every cipher suite the scanner offers, and how each is judged.
//
// The one place where suites are classified. all_suites() lists the IANA TLS
// cipher suite registry entries a server may still accept (plus the pre-RFC
// EXPORT1024 suites old OpenSSL builds shipped), by code and IANA name; the
// properties (key exchange, cipher, MAC) are parsed from the IANA name, and
// weakness_table() says which property is weak, how badly per port role, and
// which source says so (RFC 9325, RFC 7465, RFC 6151, Mozilla's server-side
// TLS guidelines). Failure modes: none; unknown codes give nullptr.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tlscheck/findings.h"
#include "tlscheck/options.h"

namespace tlscheck {

enum class Weakness {
    null_cipher,
    export_grade,
    rc4,
    single_des,
    md5_mac,
    anonymous,
    triple_des,
    obsolete_cipher,
    no_forward_secrecy,
    cbc_sha1,
};

struct WeaknessRule {
    Weakness weakness;
    const char* id;      // finding id suffix, e.g. "rc4"
    Severity mta;        // on port 25 (opportunistic MTA-to-MTA TLS)
    Severity submission; // on 587/465, or with --strict
    const char* message;
    const char* source;
};

const std::vector<WeaknessRule>& weakness_table();
const WeaknessRule& rule_for(Weakness w);

struct CipherSuite {
    std::uint16_t code;
    std::string iana;        // "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    std::string openssl;     // "ECDHE-RSA-AES128-GCM-SHA256", or the IANA name if OpenSSL has none
    std::string kx;          // "ECDHE_RSA", "RSA", "DH_anon", "" for TLS 1.3
    std::string cipher;      // "AES_128_GCM", "3DES_EDE_CBC", "RC4_128", "NULL"
    std::string mac;         // "SHA", "SHA256", "MD5", "AEAD"
    bool tls13 = false;      // a TLS 1.3 suite (only valid in TLS 1.3)
    bool tls12_only = false; // AEAD or SHA-2 MAC: TLS 1.2 only
    bool forward_secret = false;
    int bits = 0; // symmetric strength
    std::vector<Weakness> weaknesses;
};

const std::vector<CipherSuite>& all_suites();
const CipherSuite* find_suite(std::uint16_t code);
std::string hex_code(std::uint16_t code); // "0xC02F"

// Parse an IANA name into a CipherSuite (exposed for the unit tests).
CipherSuite classify(std::uint16_t code, const std::string& iana);

} // namespace tlscheck
