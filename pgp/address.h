// address.h - envelope addresses as mailveil compares them.
//
// An SMTP envelope address arrives as "<local@domain>" (RFC 5321), possibly
// with spaces. mailveil compares addr-specs exactly, ignoring ASCII case in
// both the local part and the domain: "Bob@Example.ORG" is "bob@example.org",
// but "jimbob@example.org" and "bob@example.org.evil" are not.
#pragma once

#include <string>
#include <string_view>

namespace mailveil::pgp {

// "<Bob@Example.org>" -> "Bob@Example.org": strips the angle brackets and blanks.
std::string bare_address(std::string_view envelope_address);

// The form addresses are compared in: bare, ASCII-lowercased.
std::string comparable_address(std::string_view address);

bool same_address(std::string_view a, std::string_view b);

} // namespace mailveil::pgp
