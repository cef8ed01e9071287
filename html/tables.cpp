// tables.cpp - table classification and aligned column layout.
#include "html/tables.h"

#include "html/dom.h"
#include "html/wrap.h"

#include <algorithm>

namespace mailveil::html {
namespace {

constexpr std::size_t kMaxBlocksPerCell = 2;
constexpr std::size_t kMaxCellText = 200; // bytes: more is prose, not a datum
constexpr std::string_view kGap = "  ";

bool is_cell(const Tree& tree, NodeId n) {
    return tree.type(n) == NodeType::element && tree.info(n).kind == Kind::cell;
}

bool is_numeric(std::string_view s) {
    bool digit = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c >= '0' && c <= '9') {
            digit = true;
            continue;
        }
        if (std::string_view(".,-+%$() ").find(c) != std::string_view::npos)
            continue;
        // Currency signs as UTF-8: euro, pound, yen.
        if (s.substr(i).starts_with("\xE2\x82\xAC")) {
            i += 2;
            continue;
        }
        if (s.substr(i).starts_with("\xC2\xA3") || s.substr(i).starts_with("\xC2\xA5")) {
            i += 1;
            continue;
        }
        return false;
    }
    return digit;
}

} // namespace

bool is_data_table(const Tree& tree, NodeId table, const ClassSet& hidden_classes) {
    if (const auto role = tree.attribute(table, "role");
        role && (*role == "presentation" || *role == "none"))
        return false;
    std::size_t rows = 0, max_columns = 0;
    NodeId cell = kNoNode; // the cell being scanned
    std::size_t cell_blocks = 0, cell_text = 0;

    NodeId n = tree.first_child(table);
    while (n != kNoNode) {
        bool descend = false;
        const NodeType type = tree.type(n);
        if (type == NodeType::element && !is_hidden(tree, n, hidden_classes)) {
            const Kind kind = tree.info(n).kind;
            switch (kind) {
            case Kind::table:
            case Kind::list:
            case Kind::blockquote:
            case Kind::heading:
            case Kind::pre:
            case Kind::hr:
            case Kind::dt:
            case Kind::dd:
            case Kind::item:
                return false;
            case Kind::row: {
                ++rows;
                std::size_t columns = 0;
                for (NodeId c = tree.first_child(n); c != kNoNode; c = tree.next(c))
                    if (is_cell(tree, c) && !is_hidden(tree, c, hidden_classes))
                        ++columns;
                max_columns = std::max(max_columns, columns);
                descend = true;
                break;
            }
            case Kind::cell:
                cell = n;
                cell_blocks = cell_text = 0;
                descend = true;
                break;
            case Kind::block:
                if (cell != kNoNode && ++cell_blocks > kMaxBlocksPerCell)
                    return false;
                descend = true;
                break;
            case Kind::skip:
                break;
            default:
                descend = true;
                break;
            }
        } else if (type == NodeType::text && cell != kNoNode) {
            cell_text += tree.text(n).size();
            if (cell_text > kMaxCellText)
                return false;
        }
        if (descend && tree.first_child(n) != kNoNode) {
            n = tree.first_child(n);
            continue;
        }
        while (n != table && tree.next(n) == kNoNode) {
            n = tree.parent(n);
            if (n == cell)
                cell = kNoNode;
        }
        if (n == table)
            break;
        n = tree.next(n);
    }
    return rows >= 2 && max_columns >= 2;
}

std::optional<std::vector<std::string>> align_table(const std::vector<TableRow>& rows,
                                                    std::size_t width) {
    std::vector<const TableRow*> kept;
    std::size_t columns = 0;
    for (const auto& row : rows) {
        const bool empty = std::all_of(row.begin(), row.end(),
                                       [](const TableCell& c) { return c.content.text.empty(); });
        if (empty)
            continue;
        for (const auto& cell : row)
            if (cell.colspan > 1)
                return std::nullopt;
        kept.push_back(&row);
        columns = std::max(columns, row.size());
    }
    if (kept.empty())
        return std::vector<std::string>{};

    std::vector<std::size_t> widths(columns, 0);
    std::vector<bool> numeric(columns, true), used(columns, false);
    for (const auto* row : kept)
        for (std::size_t c = 0; c < row->size(); ++c) {
            const auto& cell = (*row)[c];
            if (cell.content.text.empty())
                continue;
            used[c] = true;
            widths[c] = std::max(widths[c], display_width(cell.content.text));
            if (!cell.header && !is_numeric(cell.content.text))
                numeric[c] = false;
        }
    std::size_t total = 0, used_columns = 0;
    for (std::size_t c = 0; c < columns; ++c)
        if (used[c]) {
            total += widths[c];
            ++used_columns;
        }
    total += kGap.size() * (used_columns > 0 ? used_columns - 1 : 0);
    if (total > width)
        return std::nullopt;

    std::vector<std::string> lines;
    auto lay_out = [&](auto&& cell_text, auto&& cell_width, bool align_numbers) {
        std::string line;
        bool first = true;
        for (std::size_t c = 0; c < columns; ++c) {
            if (!used[c])
                continue;
            if (!first)
                line += kGap;
            first = false;
            const std::string text = cell_text(c);
            const std::size_t pad = widths[c] - std::min(widths[c], cell_width(c, text));
            if (align_numbers && numeric[c]) {
                line.append(pad, ' ');
                line += text;
            } else {
                line += text;
                line.append(pad, ' ');
            }
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        lines.push_back(std::move(line));
    };
    auto width_of = [](std::size_t, const std::string& t) { return display_width(t); };
    for (std::size_t r = 0; r < kept.size(); ++r) {
        const TableRow& row = *kept[r];
        auto text_of = [&](std::size_t c) {
            return c < row.size() ? row[c].content.text : std::string();
        };
        const bool header_row =
            std::all_of(row.begin(), row.end(), [](const TableCell& c) { return c.header; });
        lay_out(text_of, width_of, true);
        if (r == 0 && header_row && kept.size() > 1)
            lay_out([&](std::size_t c) { return std::string(widths[c], '-'); },
                    [&](std::size_t c, const std::string&) { return widths[c]; }, false);
    }
    return lines;
}

Paragraph join_row(const TableRow& row) {
    Paragraph p;
    for (const auto& cell : row) {
        if (cell.content.text.empty())
            continue;
        if (!p.text.empty())
            p.text += " | ";
        const auto offset = static_cast<std::uint32_t>(p.text.size());
        for (const auto g : cell.content.glue)
            p.glue.push_back(g + offset);
        p.text += cell.content.text;
    }
    return p;
}

} // namespace mailveil::html
