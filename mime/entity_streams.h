// entity_streams.h - GMime streams the payload of a spooled message is built from.
//
// memory_stream() copies bytes; concatenated() reads one stream after the
// other (its sources must be seekable: it seeks them before each read, so a
// filtered stream goes around it, never inside); crlf_filtered() turns bare
// LF into CRLF as it is read (CRLF stays);
// original_entity_stream() is the RFC 3156 payload (Content-* fields as
// received, empty line, body) of a message, CRLF throughout, read from the
// spool file as it is read.
#pragma once

#include "mime/gmime_handles.h"
#include "mime/parsed_message.h"

#include <memory>
#include <string_view>

namespace mailveil::mime {

GObjectPtr<GMimeStream> memory_stream(std::string_view bytes);
GObjectPtr<GMimeStream> concatenated(GMimeStream* first, GMimeStream* second);
GObjectPtr<GMimeStream> crlf_filtered(GObjectPtr<GMimeStream> source);
GObjectPtr<GMimeStream> original_entity_stream(const ParsedMessage& message);

// The content (body) of root written with options to a new spool file
// beside message's (a spooled message), with the message's line end restored
// where GMime drops the one that closes a multipart's epilogue. what names
// the content in the SpoolError thrown when the file cannot be written.
std::shared_ptr<SpoolFile> spool_content(GMimeObject* root, GMimeFormatOptions* options,
                                         const ParsedMessage& message, std::string_view eol,
                                         std::string_view what);

// Reads up to size bytes; 0 at the end of the stream. GMime's bounded
// streams answer -1 at their end, so the end is told from an error by
// g_mime_stream_eos(). Throws SpoolError on a read error.
std::size_t read_some(GMimeStream* stream, char* buffer, std::size_t size);

} // namespace mailveil::mime
