// smtp_reply_test.cpp - the SMTP reply parser: single and multi-line replies,
// split reads, bare LF, and every malformed form it must refuse.
#include <catch2/catch.hpp>

#include "tlscheck/smtp_reply.h"

using tlscheck::SmtpProtocolError;
using tlscheck::SmtpReplyParser;

TEST_CASE("single-line reply") {
    SmtpReplyParser p;
    p.feed("220 mx.example.org ESMTP Postfix\r\n");
    auto r = p.next();
    REQUIRE(r);
    CHECK(r->code == 220);
    REQUIRE(r->lines.size() == 1);
    CHECK(r->lines[0] == "mx.example.org ESMTP Postfix");
    CHECK_FALSE(p.next());
    CHECK(p.pending_bytes() == 0);
}

TEST_CASE("multi-line EHLO reply arriving in pieces") {
    SmtpReplyParser p;
    std::string reply = "250-mx.example.org\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n";
    for (std::size_t i = 0; i < reply.size(); i += 5) {
        CHECK_FALSE(p.next());
        p.feed(std::string_view(reply).substr(i, 5));
    }
    auto r = p.next();
    REQUIRE(r);
    CHECK(r->code == 250);
    CHECK(r->lines ==
          std::vector<std::string>{"mx.example.org", "PIPELINING", "STARTTLS", "8BITMIME"});
    CHECK(r->positive_completion());
}

TEST_CASE("two pipelined replies in one read come out one by one") {
    SmtpReplyParser p;
    p.feed("250 2.1.0 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
    CHECK(p.next()->code == 250);
    CHECK(p.next()->code == 354);
    CHECK_FALSE(p.next());
}

TEST_CASE("a partial reply is pending until its last line") {
    SmtpReplyParser p;
    p.feed("250-first\r\n250-second\r\n");
    CHECK_FALSE(p.next());
    CHECK(p.pending_bytes() > 0);
    p.feed("250 last\r\n");
    CHECK(p.next()->lines.size() == 3);
}

TEST_CASE("bare LF and a bare code are accepted and counted") {
    SmtpReplyParser p;
    p.feed("220\n");
    auto r = p.next();
    REQUIRE(r);
    CHECK(r->code == 220);
    CHECK(r->lines == std::vector<std::string>{""});
    CHECK(p.bare_lf_lines() == 1);
}

TEST_CASE("transient failure classification") {
    SmtpReplyParser p;
    p.feed("421 4.3.2 Too many connections\r\n");
    auto r = p.next();
    CHECK(r->transient_failure());
    CHECK_FALSE(r->positive_completion());
    CHECK(r->summary() == "421 4.3.2 Too many connections");
}

TEST_CASE("malformed replies are refused") {
    auto refuses = [](const std::string& text) {
        SmtpReplyParser p;
        CHECK_THROWS_AS(p.feed(text), SmtpProtocolError);
    };
    refuses("hello there\r\n");       // no code
    refuses("25 short\r\n");          // two digits
    refuses("150 not SMTP\r\n");      // 1xx does not exist in SMTP
    refuses("650 out of range\r\n");  // 6xx
    refuses("250_bad separator\r\n"); // neither space nor hyphen
    refuses("250-a\r\n251 b\r\n");    // code changes mid-reply
    refuses(std::string(5000, 'x'));  // a line that never ends
    refuses("250 " + std::string(5000, 'y') + "\r\n");
}

TEST_CASE("a reply with too many lines is refused") {
    SmtpReplyParser p;
    std::string many;
    for (std::size_t i = 0; i < SmtpReplyParser::max_lines + 1; ++i)
        many += "250-x\r\n";
    CHECK_THROWS_AS(p.feed(many), SmtpProtocolError);
}
