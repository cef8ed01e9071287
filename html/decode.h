// decode.h - bytes in a decided encoding -> UTF-8 that libxml2 can parse.
//
// Undecodable bytes become U+FFFD (windows-1252's five unassigned bytes
// become the C1 code points, as the Encoding Standard says; later stages drop
// them). NUL and other C0 controls except TAB, LF, CR, FF are dropped, since
// libxml2 would stop at them. The result is always valid UTF-8.
//
// Failure modes: throws Error when iconv cannot open a converter for an
// encoding that charset.h promised (a broken libc installation).
#pragma once

#include <string>
#include <string_view>

namespace mailveil::html {

// `encoding` is a WHATWG name from decide_charset().
std::string decode_to_utf8(std::string_view bytes, std::string_view encoding);

} // namespace mailveil::html
