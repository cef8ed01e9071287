// checks_test.cpp - judging synthetic facts: protocol and suite findings,
// role-dependent severities, and the SMTP dialogue rules.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tlscheck/checks.h"

using namespace tlscheck;

namespace {

const Finding* find(const Findings& f, const std::string& id) {
    auto it =
        std::find_if(f.all().begin(), f.all().end(), [&](const Finding& x) { return x.id == id; });
    return it == f.all().end() ? nullptr : &*it;
}

ScanResult scan_with(std::vector<std::pair<TlsVersion, std::vector<std::uint16_t>>> accepted) {
    ScanResult r;
    for (TlsVersion v : all_versions) {
        ProtocolScan p;
        p.version = v;
        for (auto& [av, suites] : accepted)
            if (av == v) {
                p.accepted = true;
                p.suites = suites;
            }
        r.protocols.push_back(p);
    }
    return r;
}

Options mta() {
    return parse_options({"mx.example.org"});
}
Options submission() {
    return parse_options({"--submission", "mx.example.org"});
}

} // namespace

TEST_CASE("a modern server gives no protocol or suite finding") {
    Findings f;
    judge_scan(mta(), scan_with({{TlsVersion::tls1_2, {0xC02F}}, {TlsVersion::tls1_3, {0x1301}}}),
               f);
    CHECK(f.all().empty());
    CHECK(f.status() == Status::ok);
}

TEST_CASE("protocol findings") {
    Findings f;
    judge_scan(mta(), scan_with({{TlsVersion::ssl3, {0x000A}}, {TlsVersion::tls1_0, {0xC013}}}), f);
    REQUIRE(find(f, "tls.protocol.sslv3"));
    CHECK(find(f, "tls.protocol.sslv3")->severity == Severity::critical);
    CHECK(find(f, "tls.protocol.tls1_0")->severity == Severity::warning);
    CHECK(find(f, "tls.protocol.no_modern")->severity == Severity::critical);
    CHECK(find(f, "tls.protocol.no_tls1_3") == nullptr); // no_modern says it already
    Findings g;
    judge_scan(mta(), scan_with({{TlsVersion::tls1_2, {0xC02F}}}), g);
    CHECK(find(g, "tls.protocol.no_tls1_3")->severity == Severity::note);
}

TEST_CASE("weak suites: one finding per weakness, evidence per version, severity per role") {
    auto scan = scan_with({{TlsVersion::tls1_0, {0x0005, 0x0034}},
                           {TlsVersion::tls1_2, {0x0005, 0x0034, 0xC02F}},
                           {TlsVersion::tls1_3, {0x1301}}});
    Findings m;
    judge_scan(mta(), scan, m);
    const Finding* rc4 = find(m, "tls.suite.rc4");
    REQUIRE(rc4);
    CHECK(rc4->severity == Severity::critical);
    CHECK(rc4->evidence == "TLS_RSA_WITH_RC4_128_SHA (TLSv1.0,TLSv1.2)");
    CHECK(find(m, "tls.suite.anonymous")->severity == Severity::note);
    CHECK(find(m, "tls.suite.no_forward_secrecy")->severity == Severity::warning);
    CHECK(m.status() == Status::critical);

    Findings s;
    judge_scan(submission(), scan, s);
    CHECK(find(s, "tls.suite.anonymous")->severity == Severity::critical);
    Findings strict;
    judge_scan(parse_options({"--strict", "mx.example.org"}), scan, strict);
    CHECK(find(strict, "tls.suite.anonymous")->severity == Severity::critical);
}

TEST_CASE("an incomplete scan is UNKNOWN, never OK") {
    auto scan = scan_with({{TlsVersion::tls1_2, {0xC02F}}, {TlsVersion::tls1_3, {0x1301}}});
    scan.errors.push_back("TLSv1.2: server kept refusing connections");
    Findings f;
    judge_scan(mta(), scan, f);
    CHECK(f.status() == Status::unknown);
}

TEST_CASE("dialogue: AUTH before TLS depends on the role; no STARTTLS is critical") {
    DialogueFacts d;
    d.failed_stage = Stage::done;
    EhloResult e;
    e.reply.code = 250;
    e.extensions = {"PIPELINING", "AUTH PLAIN LOGIN", "STARTTLS"};
    d.ehlo_before_tls = e;
    d.starttls_offered = true;
    d.ehlo_after_tls = EhloResult{};
    Findings m;
    judge_dialogue(mta(), d, m);
    REQUIRE(find(m, "smtp.auth_before_tls"));
    CHECK(find(m, "smtp.auth_before_tls")->severity == Severity::warning);
    CHECK(find(m, "smtp.auth_before_tls")->evidence == "AUTH PLAIN LOGIN");
    Findings s;
    judge_dialogue(submission(), d, s);
    CHECK(find(s, "smtp.auth_before_tls")->severity == Severity::critical);
    CHECK(find(s, "smtp.auth.missing")->severity == Severity::note);

    d.starttls_offered = false;
    d.ehlo_before_tls->extensions = {"PIPELINING"};
    Findings none;
    judge_dialogue(mta(), d, none);
    CHECK(find(none, "smtp.starttls.missing")->severity == Severity::critical);

    DialogueFacts refused;
    refused.failed_stage = Stage::connect;
    refused.error = "connection refused";
    Findings u;
    judge_dialogue(mta(), refused, u);
    CHECK(u.status() == Status::unknown);
}
