// options_findings_test.cpp - command line, verdict arithmetic and the
// Postfix setting parsers.
#include <catch2/catch.hpp>

#include "tlscheck/findings.h"
#include "tlscheck/options.h"
#include "tlscheck/postfix_audit.h"

using namespace tlscheck;

TEST_CASE("HOST[:PORT] forms and roles") {
    auto o = parse_options({"mx.example.org"});
    CHECK(o.host == "mx.example.org");
    CHECK(o.port == 25);
    CHECK(o.role == Role::mta);
    o = parse_options({"--submission", "mx.example.org"});
    CHECK(o.port == 587);
    CHECK(o.role == Role::submission);
    CHECK_FALSE(o.implicit_tls);
    o = parse_options({"--smtps", "[::1]:10465"});
    CHECK(o.host == "::1");
    CHECK(o.port == 10465);
    CHECK(o.implicit_tls);
    CHECK(o.role == Role::submission);
    o = parse_options({"::1"});
    CHECK(o.host == "::1");
    CHECK(o.port == 25);
    o = parse_options({"127.0.0.1:465"});
    CHECK(o.implicit_tls);
    CHECK(o.role == Role::submission);
    o = parse_options({"--postfix=/etc/postfix"});
    CHECK(o.postfix);
    CHECK(o.postfix_dir == "/etc/postfix");
    CHECK(o.host.empty());
    o = parse_options({"--postfix", "/srv/pf", "mx:2525", "--mx-name", "a", "--mx-name", "b"});
    CHECK(o.postfix_dir == "/srv/pf");
    CHECK(o.host == "mx");
    CHECK(o.mx_names.size() == 2);
}

TEST_CASE("bad arguments are usage errors") {
    CHECK_THROWS_AS(parse_options({}), UsageError);
    CHECK_THROWS_AS(parse_options({"--bogus", "x"}), UsageError);
    CHECK_THROWS_AS(parse_options({"x:0"}), UsageError);
    CHECK_THROWS_AS(parse_options({"x:99999"}), UsageError);
    CHECK_THROWS_AS(parse_options({"x", "y"}), UsageError);
    CHECK_THROWS_AS(parse_options({"--timeout", "soon", "x"}), UsageError);
    CHECK_THROWS_AS(parse_options({"[::1"}), UsageError);
}

TEST_CASE("verdict: critical beats unknown beats warning; notes stay OK") {
    Findings f;
    CHECK(f.status() == Status::ok);
    f.add("a", Severity::note, "n");
    f.add("b", Severity::info, "i");
    CHECK(f.status() == Status::ok);
    CHECK(f.deciding().empty());
    f.add("c", Severity::warning, "w");
    CHECK(f.status() == Status::warning);
    f.add("d", Severity::unknown, "u");
    CHECK(f.status() == Status::unknown);
    CHECK(exit_code(f.status()) == 3);
    f.add("e", Severity::critical, "c");
    CHECK(f.status() == Status::critical);
    REQUIRE(f.deciding().size() == 1);
    CHECK(f.deciding().front()->id == "e");
}

TEST_CASE("Postfix protocol lists") {
    CHECK(lowest_allowed_protocol("!SSLv2, !SSLv3") == "TLSv1");
    CHECK(lowest_allowed_protocol(">=TLSv1.2") == "TLSv1.2");
    CHECK(lowest_allowed_protocol("TLSv1.2 TLSv1.3") == "TLSv1.2");
    CHECK(lowest_allowed_protocol("!SSLv2") == "SSLv3");
    CHECK(lowest_allowed_protocol("") == "SSLv2");
    CHECK(lowest_allowed_protocol("!SSLv2:!SSLv3:!TLSv1:!TLSv1.1") == "TLSv1.2");
}

TEST_CASE("milter lists") {
    auto m = split_milters("inet:127.0.0.1:8891, unix:/run/mailveil/mailveil.sock");
    REQUIRE(m.size() == 2);
    CHECK(m[1] == "unix:/run/mailveil/mailveil.sock");
    m = split_milters("{ inet:localhost:8892, default_action=accept } inet:localhost:8891");
    REQUIRE(m.size() == 2);
    CHECK(m[0].find("default_action") != std::string::npos);
    CHECK(split_milters("").empty());
}
