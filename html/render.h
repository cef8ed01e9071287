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

// Wraps blocks into lines one block at a time, as the layout hands them over.
class BlockRenderer {
  public:
    explicit BlockRenderer(std::size_t width) : width_(width) {}
    void add(const Block& block);
    // Ends the text with the link list (none when `urls` is empty).
    Text finish(const std::vector<std::string>& urls);

  private:
    void blank(unsigned depth);
    void line(unsigned depth, std::string text, Line::Break brk = Line::Break::hard);
    unsigned last_depth() const;

    std::size_t width_;
    std::vector<Line> lines_;
};

} // namespace mailveil::html
