// reply_parser_fuzz.cpp - libFuzzer entry point for the SMTP reply parser.
//
// Feeds the input to SmtpReplyParser in two slices (split at the first byte's
// value) so that line reassembly across reads is exercised, drains every
// reply, and checks the parser's invariants. A protocol error is an expected
// outcome; a crash, a sanitizer report or a broken invariant is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tlscheck/smtp_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
    tlscheck::SmtpReplyParser parser;
    try {
        parser.feed(input.substr(0, split));
        parser.feed(input.substr(split));
        while (auto reply = parser.next()) {
            if (reply->code < 200 || reply->code > 599 || reply->lines.empty() ||
                reply->lines.size() > tlscheck::SmtpReplyParser::max_lines)
                std::abort();
        }
    } catch (const tlscheck::SmtpProtocolError&) {
        // malformed input: the expected way to fail
    }
    return 0;
}
