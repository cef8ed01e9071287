// Envelope address handling (pgp/address.h): stripping "<...>" and blanks, and
// comparing addr-specs exactly but without regard to ASCII case.
#include "pgp/address.h"

#include <catch2/catch.hpp>

using mailveil::pgp::bare_address;
using mailveil::pgp::comparable_address;
using mailveil::pgp::same_address;

TEST_CASE("bare_address strips angle brackets and surrounding blanks", "[address]") {
    CHECK(bare_address("<bob@example.org>") == "bob@example.org");
    CHECK(bare_address("  <Bob@Example.org>\t") == "Bob@Example.org");
    CHECK(bare_address("bob@example.org") == "bob@example.org");
    CHECK(bare_address(" bob@example.org\r\n") == "bob@example.org");
    CHECK(bare_address("<>") == "");
    CHECK(bare_address("") == "");
}

TEST_CASE("comparable_address lowercases ASCII only", "[address]") {
    CHECK(comparable_address("<BOB@EXAMPLE.ORG>") == "bob@example.org");
    CHECK(comparable_address("Erin@Example.ORG") == "erin@example.org");
    // Non-ASCII bytes pass through untouched.
    CHECK(comparable_address("J\xC3\x96RG@example.org") == "j\xC3\x96rg@example.org");
}

TEST_CASE("same_address ignores case and brackets in both parts", "[address]") {
    CHECK(same_address("<BOB@EXAMPLE.ORG>", "bob@example.org"));
    CHECK(same_address("bob@example.org", " <Bob@Example.Org> "));
    CHECK(same_address("Erin@Example.ORG", "erin@example.org"));
}

TEST_CASE("same_address never matches substrings or suffixes", "[address]") {
    CHECK_FALSE(same_address("jimbob@example.org", "bob@example.org"));
    CHECK_FALSE(same_address("bob@example.org.evil", "bob@example.org"));
    CHECK_FALSE(same_address("ob@example.org", "bob@example.org"));
    CHECK_FALSE(same_address("example.org", "bob@example.org"));
    CHECK_FALSE(same_address("bob@example", "bob@example.org"));
}

TEST_CASE("same_address treats an empty address as matching nothing", "[address]") {
    CHECK_FALSE(same_address("", ""));
    CHECK_FALSE(same_address("", "bob@example.org"));
}
