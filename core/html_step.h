// html_step.h - the engine's HTML step: a message's HTML rewritten before it is encrypted or
// passed.
//
// The engine runs mime::rewrite_html() (mime/html_parts.h) first, with the
// mode for the message's verdict (html_encrypted or html_plain), and works on
// the result: an encrypted message's payload is built from the rewritten
// message; a passed one leaves as the rewritten message.
//
//   rewritten_html()  the rewritten message, parsed again; nullopt when the
//                     mode changes nothing;
//   rewrite_to()      the Rewrite that turns the received message into a
//                     rewritten one (for messages that pass): every Content-*
//                     and MIME-Version field goes, "MIME-Version: 1.0" and the
//                     rewritten message's Content-* fields (unfolded) are
//                     added, the body is the rewritten one. The other header
//                     fields are the same in both messages by construction.
//
// Failure: MessageError when GMime cannot parse or write the message.
#pragma once

#include "core/rewrite.h"
#include "mime/html_parts.h"

#include <optional>

namespace mailveil::core {

std::optional<mime::ParsedMessage> rewritten_html(const mime::ParsedMessage& message,
                                                  const mime::HtmlOptions& options);

Rewrite rewrite_to(const mime::ParsedMessage& rewritten);

} // namespace mailveil::core
