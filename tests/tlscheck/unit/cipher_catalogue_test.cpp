// cipher_catalogue_test.cpp - the suite table and the weakness classification.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "tlscheck/cipher_catalogue.h"
#include "tlscheck/scanner.h"

using namespace tlscheck;

namespace {
bool has(const CipherSuite& s, Weakness w) {
    return std::find(s.weaknesses.begin(), s.weaknesses.end(), w) != s.weaknesses.end();
}
const CipherSuite& suite(std::uint16_t code) {
    const CipherSuite* s = find_suite(code);
    REQUIRE(s != nullptr);
    return *s;
}
} // namespace

TEST_CASE("codes are unique and names are IANA-shaped") {
    std::set<std::uint16_t> codes;
    for (const auto& s : all_suites()) {
        CHECK(codes.insert(s.code).second);
        CHECK(s.iana.rfind("TLS_", 0) == 0);
        CHECK_FALSE(s.cipher.empty());
        CHECK_FALSE(s.mac.empty());
    }
    CHECK(all_suites().size() > 300);
}

TEST_CASE("modern AEAD suites carry no weakness") {
    for (std::uint16_t code : {0x1301, 0x1302, 0x1303, 0xC02F, 0xC030, 0xCCA8, 0xC02B}) {
        const auto& s = suite(static_cast<std::uint16_t>(code));
        CHECK(s.weaknesses.empty());
        CHECK(s.forward_secret);
        CHECK(s.mac == "AEAD");
    }
    CHECK(suite(0xC02F).openssl == "ECDHE-RSA-AES128-GCM-SHA256");
    CHECK(suite(0x1302).tls13);
    CHECK(suite(0xC02F).tls12_only);
}

TEST_CASE("weak suites are flagged as the table says") {
    CHECK(has(suite(0x0005), Weakness::rc4)); // RSA RC4 SHA
    CHECK(has(suite(0x0005), Weakness::no_forward_secrecy));
    CHECK(has(suite(0x0004), Weakness::md5_mac));    // RSA RC4 MD5
    CHECK(has(suite(0x000A), Weakness::triple_des)); // RSA 3DES
    CHECK_FALSE(has(suite(0x000A), Weakness::single_des));
    CHECK(has(suite(0x0009), Weakness::single_des));   // RSA DES
    CHECK(has(suite(0x0003), Weakness::export_grade)); // RSA EXPORT RC4 40
    CHECK(has(suite(0x0002), Weakness::null_cipher));  // RSA NULL SHA
    CHECK(has(suite(0x0034), Weakness::anonymous));    // DH_anon AES
    CHECK_FALSE(has(suite(0x0034), Weakness::no_forward_secrecy));
    CHECK(has(suite(0xC013), Weakness::cbc_sha1)); // ECDHE RSA AES128 CBC SHA
    CHECK_FALSE(has(suite(0xC013), Weakness::no_forward_secrecy));
    CHECK(has(suite(0x009C), Weakness::no_forward_secrecy)); // RSA AES GCM
    CHECK_FALSE(has(suite(0x009C), Weakness::cbc_sha1));
    CHECK(has(suite(0x0096), Weakness::obsolete_cipher)); // SEED
    CHECK(suite(0x000A).bits == 112);
    CHECK(suite(0x0003).bits == 40);
}

TEST_CASE("every weakness has one rule with a named source; anonymous depends on the role") {
    for (const auto& r : weakness_table()) {
        CHECK(std::string(r.source).size() > 3);
        CHECK(&rule_for(r.weakness) == &r);
    }
    CHECK(rule_for(Weakness::anonymous).mta == Severity::note);
    CHECK(rule_for(Weakness::anonymous).submission == Severity::critical);
    CHECK(rule_for(Weakness::rc4).mta == Severity::critical);
    CHECK(rule_for(Weakness::cbc_sha1).submission == Severity::note);
}

TEST_CASE("candidates per version") {
    auto v13 = candidates_for(TlsVersion::tls1_3);
    CHECK(v13.size() == 5);
    auto v12 = candidates_for(TlsVersion::tls1_2);
    auto v10 = candidates_for(TlsVersion::tls1_0);
    CHECK(std::find(v12.begin(), v12.end(), 0xC02F) != v12.end());
    CHECK(std::find(v10.begin(), v10.end(), 0xC02F) == v10.end()); // GCM is TLS 1.2 only
    CHECK(std::find(v10.begin(), v10.end(), 0x0005) != v10.end());
    CHECK(std::find(v12.begin(), v12.end(), 0x1301) == v12.end());
}
