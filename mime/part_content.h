// part_content.h - the content of a leaf MIME part, transfer-decoded.
//
// Base64 and quoted-printable undone, charset untouched: the bytes a part
// carries. Shared by the rewriters that read parts (header protection's
// legacy display, the HTML step).
//
// Failure: nullopt when GMime cannot decode the content; a part without
// content yields an empty string.
#pragma once

#include <gmime/gmime.h>

#include <optional>
#include <string>

namespace mailveil::mime {

std::optional<std::string> transfer_decoded(GMimePart* part);

} // namespace mailveil::mime
