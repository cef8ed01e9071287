// tables.h - tell layout tables from data tables, and lay out data tables.
//
// Mail uses tables mostly for layout; those flow as blocks in reading order
// (the walker does that). A table is a *data* table when it has at least two
// rows and two columns, is not role=presentation/none, holds no nested table,
// and its cells hold only inline text (at most two plain blocks, no lists,
// quotes, headings, rules or long prose). A data table is printed with
// aligned columns when it fits the width, else one row per line with cells
// separated by " | ".
//
// Never fails; the classification walks the table's subtree without
// recursion and stops at the first sign of layout.
#pragma once

#include "html/dom.h"
#include "html/inline_text.h"

#include <optional>
#include <string>
#include <vector>

namespace mailveil::html {

bool is_data_table(const Tree& tree, NodeId table, const ClassSet& hidden_classes);

struct TableCell {
    Paragraph content; // one line: no "\n"
    bool header = false;
    unsigned colspan = 1;
};
using TableRow = std::vector<TableCell>;

// Lines of an aligned table no wider than `width`, or nothing when the table
// does not fit (or spans columns). Rows whose cells are all empty are left out.
std::optional<std::vector<std::string>> align_table(const std::vector<TableRow>& rows,
                                                    std::size_t width);

// One row as a paragraph: non-empty cells joined by " | ".
Paragraph join_row(const TableRow& row);

} // namespace mailveil::html
