// spooled_encryption.h - encrypting a message whose body is in a spool file.
//
// The engine's decision is the same for every message; only the work differs.
// For a spooled message the payload (RFC 9788 with protect_headers, else the
// RFC 3156 entity) is read from the spool file as GnuPG consumes it, and the
// armor goes straight to a new spool file beside it, with the message's line
// ends. Memory use stays a small constant whatever the size of the body.
//
// The HTML step runs before, on the spooled message (mime/html_parts.h).
//
// Failure: SpoolError when the spool directory is full or unwritable;
// EncryptionError, MessageError as for any message.
#pragma once

#include "core/engine.h"
#include "core/rewrite.h"

namespace mailveil::core {

Rewrite encrypt_spooled(const mime::ParsedMessage& message,
                        const std::vector<pgp::RecipientKey>& keys,
                        const EngineSettings& settings);

} // namespace mailveil::core
