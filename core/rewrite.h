// rewrite.h - what the core asks a front end to change in a message.
//
// A rewrite is complete before anyone applies it: the headers to delete (every
// occurrence of Content-* and MIME-Version), the headers changed in place
// (header protection's outer Subject, say), the headers to append, and the
// new body. The milter applies it through libmilter's header and body calls;
// mailveil-filter applies it to the original bytes with apply_rewrite().
// Header values carry no leading space and no line end.
#pragma once

#include "mime/header_protection.h"
#include "mime/parsed_message.h"
#include "mime/spool_file.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailveil::core {

struct HeaderToAdd {
    std::string name;
    std::string value;
};

// A body too big to hold in memory: before, the spool file's bytes, after.
struct SpooledBody {
    std::string before;
    std::shared_ptr<const mime::SpoolFile> file;
    std::string after;
};

struct Rewrite {
    // True for the header names whose every occurrence the rewrite deletes.
    static bool deletes_header(std::string_view name);

    // Each names a header that is not a deleted one: a value replaces the
    // first occurrence in place and removes the others; none removes all.
    std::vector<mime::OuterHeaderChange> changed;
    std::vector<HeaderToAdd> added;
    std::string body; // line ends as in the original message
    std::optional<SpooledBody> spooled_body; // when set, the body instead of body

    // The body in pieces, in order (spooled or not).
    void for_each_body_piece(const std::function<void(std::string_view)>& consume) const;
};

// The rewritten message: the original header fields that stay, byte for byte,
// then the added ones, a blank line and the new body.
std::string apply_rewrite(const mime::ParsedMessage& message, const Rewrite& rewrite);

} // namespace mailveil::core
