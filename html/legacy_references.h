// legacy_references.h - "&copy 2024": references browsers decode without ';'.
//
// HTML (WHATWG, "named character references") decodes a small legacy set of
// names even when no ';' follows (&copy, &nbsp, &amp, &eacute, ...); senders
// rely on it and libxml2 does not do it, so "&copy 2024" would reach the text
// as written. terminate_legacy_references() adds the ';' where a legacy name
// stands alone: the whole run of letters and digits after '&' is the name and
// the next character is neither ';' nor '=' (so URLs' "&amp=1"-style query
// parameters and longer names such as "&copyright" stay as they are).
//
// Returns nullopt when the input has no such reference (the common case,
// found with one scan), else the input with the ';' added. Never fails.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mailveil::html {

std::optional<std::string> terminate_legacy_references(std::string_view html);

} // namespace mailveil::html
