// delimiter_census.h - refuses, before GMime parses it, a message whose MIME
// delimiter lines would cost GMime memory and time out of all proportion to
// its size.
//
// GMime builds objects for every part and compares every line that starts
// with "--" against every boundary still open: 100,000 tiny parts in 700 KB
// cost it 270 MB and seconds, thousands of nested multiparts time quadratic
// in the depth. Counting every "--" line would also refuse honest mail (an
// SQL dump's "-- comment" lines, a patch series' "--- a/file" lines), so the
// census first collects the boundary parameters the message declares, then
// counts the lines that are delimiters of one of them; the work GMime does
// is at most (delimiter lines) x (lines starting with "--"), and that product
// is bounded too. Boundaries written in a way the census does not read
// (RFC 2231 "boundary*", very long or very many) make every "--" line count.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace mailveil::mime {

inline constexpr std::size_t kMaxDelimiterLines = 10000;
// Delimiter lines x lines starting with "--": about 0.2 s of GMime's time.
inline constexpr std::size_t kMaxDelimiterComparisons = 100'000'000;

// Calls its argument with the message's bytes, in order, in any number of chunks.
using ChunkReader = std::function<void(const std::function<void(std::string_view)>&)>;

// Reads the message twice; throws MessageError when it is over either limit.
void refuse_costly_delimiters(const ChunkReader& read_message);

} // namespace mailveil::mime
