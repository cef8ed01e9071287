// render.h - blocks -> wrapped lines; lines -> plain or format=flowed text.
//
// A line "--" becomes the signature separator "-- ".
// Blank lines between blocks follow the blocks' margins, never two in a row,
// never at the start or end; a blank line between quoted blocks keeps the
// shallower quote depth. The link list ("[n] URL", one a line) ends the text.
//
// Never fails.
#pragma once

#include "html/block.h"
#include "html/html_to_text.h"

#include <string>
#include <vector>

namespace mailveil::html {

Text render_blocks(const std::vector<Block>& blocks, const std::vector<std::string>& urls,
                   std::size_t width);

} // namespace mailveil::html
