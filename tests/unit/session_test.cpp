#include "milter/session.h"

#include <catch2/catch.hpp>

using mailveil::milter::Session;

// Failures in steps the MTA does not wait on (SMFIP_NR_CONN, NR_MAIL, NR_HDR)
// are held in the Session until end of headers tempfails the message.
TEST_CASE("a held failure lasts for its message, a connect failure for the connection",
          "[session]") {
    Session session;
    CHECK_FALSE(session.held_failure());

    session.hold_failure("at MAIL: boom");
    REQUIRE(session.held_failure());
    CHECK(*session.held_failure() == "at MAIL: boom");
    session.reset_message();
    CHECK_FALSE(session.held_failure());

    session.hold_connection_failure("at connect: lost");
    session.reset_message();
    REQUIRE(session.held_failure());
    CHECK(*session.held_failure() == "at connect: lost");

    // The connect failure came first and wins over a later one of the message.
    session.hold_failure("at header: later");
    CHECK(*session.held_failure() == "at connect: lost");
}

TEST_CASE("the message is rebuilt in wire form from the fields the MTA sent", "[session]") {
    Session session;
    session.add_header("Subject", "one\n two");
    session.add_header("X-Empty", "");
    CHECK(session.message_bytes() == "Subject: one\r\n two\r\nX-Empty: \r\n\r\n");

    Session leading_space;
    leading_space.set_header_leading_space(true);
    leading_space.add_header("Subject", " kept as sent");
    CHECK(leading_space.message_bytes() == "Subject: kept as sent\r\n\r\n");
}
