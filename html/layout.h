// layout.h - walk the parsed document and cut it into blocks.
//
// Decides what a reader sees and where lines start: block elements start and
// end lines and ask for blank lines (collapsing like CSS margins), lists get
// markers, blockquotes a quote level, headings and rules their own blocks,
// links a reference number, images their alt text; hidden and non-visual
// elements are skipped. Layout tables flow cell by cell; data tables are
// collected cell by cell and laid out by tables.h.
//
// The walk follows the tree's parent/sibling links (tree.h), so it needs no
// stack of its own proportional to the depth beyond one small frame per
// element; list and quote nesting deeper than a fixed cap no longer indents.
// Never fails on any tree parse.h builds.
#pragma once

#include "html/block.h"
#include "html/html_to_text.h"
#include "html/links.h"
#include "html/prepass.h"
#include "html/render.h"
#include "html/tree.h"

#include <string>
#include <vector>

namespace mailveil::html {

// Hands the document's blocks to `out` in reading order; link numbers go
// into `links`.
// Elements with a class in hidden_classes are not shown.
void lay_out(const Tree& tree, const Options& options, LinkTable& links,
             const ClassSet& hidden_classes, BlockRenderer& out);

// The href of the document's <base>, or "".
std::string base_href(const Tree& tree);

} // namespace mailveil::html
