// gmime_view.h - reading a message with GMime directly, to inspect the core's output.
//
// Independent of mime/parsed_message: the output is checked the way a mail
// client would see it.
#pragma once

#include "mime/gmime_handles.h"

#include <string>
#include <string_view>

namespace mailveil::test {

// Throws std::runtime_error when GMime cannot build a message.
mime::GObjectPtr<GMimeMessage> gmime_parse(std::string_view bytes);

// "type/subtype" in lower case.
std::string media_type(GMimeObject* object);

// The transfer-decoded content of a leaf part; throws for anything else.
std::string decoded_content(GMimeObject* object);

} // namespace mailveil::test
