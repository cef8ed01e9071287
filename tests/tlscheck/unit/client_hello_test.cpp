// client_hello_test.cpp - the hand-built ClientHello is well-formed, and the
// reader understands ServerHello, HelloRetryRequest, alerts and garbage.
#include <catch2/catch.hpp>

#include "tlscheck/client_hello.h"

using namespace tlscheck;

namespace {
unsigned u16(const std::string& s, std::size_t at) {
    return (static_cast<unsigned char>(s[at]) << 8) | static_cast<unsigned char>(s[at + 1]);
}
std::string server_hello(unsigned version, unsigned suite, const std::string& extensions = "",
                         bool hrr = false) {
    std::string body;
    body += static_cast<char>(version >> 8);
    body += static_cast<char>(version & 0xff);
    if (hrr) {
        const unsigned char r[32] = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11,
                                     0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
                                     0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E,
                                     0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
        body.append(reinterpret_cast<const char*>(r), 32);
    } else {
        body += std::string(32, '\x42');
    }
    body += '\0'; // empty session id
    body += static_cast<char>(suite >> 8);
    body += static_cast<char>(suite & 0xff);
    body += '\0';
    if (!extensions.empty()) {
        body += static_cast<char>(extensions.size() >> 8);
        body += static_cast<char>(extensions.size() & 0xff);
        body += extensions;
    }
    std::string hs = std::string("\x02\x00", 2) + static_cast<char>(body.size() >> 8) +
                     static_cast<char>(body.size() & 0xff) + body;
    return std::string("\x16\x03\x03", 3) + static_cast<char>(hs.size() >> 8) +
           static_cast<char>(hs.size() & 0xff) + hs;
}
} // namespace

TEST_CASE("TLS 1.2 ClientHello: record, lengths, version and suites") {
    std::string h = build_client_hello(TlsVersion::tls1_2, {0xC02F, 0x0005}, "mx.example.org");
    REQUIRE(h.size() > 50);
    CHECK(h[0] == 22);
    CHECK(u16(h, 3) == h.size() - 5); // record length
    CHECK(h[5] == 1);                 // client_hello
    CHECK(u16(h, 9) == 0x0303);       // client_version
    CHECK(h[43] == 0);                // no session id
    CHECK(u16(h, 44) == 4);           // two suites
    CHECK(u16(h, 46) == 0xC02F);
    CHECK(u16(h, 48) == 0x0005);
    CHECK(h.find("mx.example.org") != std::string::npos); // SNI
}

TEST_CASE("TLS 1.3 ClientHello says 1.2 on the wire and 1.3 in supported_versions") {
    std::string h = build_client_hello(TlsVersion::tls1_3, {0x1301}, "");
    CHECK(u16(h, 9) == 0x0303);
    CHECK(h.find(std::string("\x00\x2b\x00\x03\x02\x03\x04", 7)) != std::string::npos);
    CHECK(h.find(std::string("\x00\x33", 2)) != std::string::npos); // key_share
}

TEST_CASE("SSLv3 ClientHello has no extensions and the renegotiation SCSV") {
    std::string h = build_client_hello(TlsVersion::ssl3, {0x000A}, "ignored.example");
    CHECK(u16(h, 1) == 0x0300);
    CHECK(u16(h, 9) == 0x0300);
    CHECK(u16(h, 44) == 4);
    CHECK(u16(h, 48) == 0x00FF);
    CHECK(h.find("ignored.example") == std::string::npos);
    CHECK(h.size() == 5 + 4 + 2 + 32 + 1 + 2 + 4 + 2); // nothing after compression
}

TEST_CASE("reader: a TLS 1.2 ServerHello, also split across reads") {
    std::string sh = server_hello(0x0303, 0xC02F);
    HelloReader r;
    std::optional<HelloAnswer> a;
    for (char c : sh) {
        CHECK_FALSE(a);
        a = r.feed(std::string_view(&c, 1));
    }
    REQUIRE(a);
    CHECK(a->kind == HelloAnswer::Kind::server_hello);
    CHECK(a->version == 0x0303);
    CHECK(a->suite == 0xC02F);
    CHECK_FALSE(a->hello_retry);
}

TEST_CASE("reader: TLS 1.3 via supported_versions, and HelloRetryRequest") {
    std::string ext("\x00\x2b\x00\x02\x03\x04", 6);
    auto a = HelloReader().feed(server_hello(0x0303, 0x1302, ext));
    REQUIRE(a);
    CHECK(a->version == 0x0304);
    CHECK(a->suite == 0x1302);
    auto h = HelloReader().feed(server_hello(0x0303, 0x1301, ext, true));
    REQUIRE(h);
    CHECK(h->hello_retry);
    CHECK(h->suite == 0x1301);
}

TEST_CASE("reader: alerts and garbage") {
    auto a = HelloReader().feed(std::string("\x15\x03\x03\x00\x02\x02\x28", 7));
    REQUIRE(a);
    CHECK(a->kind == HelloAnswer::Kind::alert);
    CHECK(a->alert_description == 40); // handshake_failure
    auto g = HelloReader().feed("454 4.7.0 TLS not available\r\n");
    REQUIRE(g);
    CHECK(g->kind == HelloAnswer::Kind::garbage);
    CHECK_FALSE(HelloReader().feed(std::string("\x16\x03", 2))); // needs more
}
