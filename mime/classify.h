// classify.h - is a message already encrypted?
//
// mailveil never encrypts twice. A message counts as already encrypted when
//  - its top-level type is multipart/encrypted (PGP/MIME, RFC 3156),
//  - its top-level type is application/pkcs7-mime or application/x-pkcs7-mime
//    (S/MIME enveloped data), or
//  - its top-level part is text whose first non-blank line opens an inline
//    OpenPGP message ("-----BEGIN PGP MESSAGE-----") that is closed later.
// Inline OpenPGP inside a multipart does not count: the other parts would
// still travel in clear, so such a message is wrapped in PGP/MIME like any other.
#pragma once

#include "mime/parsed_message.h"

#include <string_view>

namespace mailveil::mime {

enum class EncryptionForm { None, PgpMime, Smime, InlinePgp };

EncryptionForm existing_encryption(const ParsedMessage& message);

// Exposed for tests: does decoded text start with an inline OpenPGP message?
bool is_inline_pgp_message(std::string_view text);

std::string_view to_string(EncryptionForm form);

} // namespace mailveil::mime
