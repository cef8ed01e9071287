// layout.cpp - the DOM walk: elements -> blocks, in reading order.
#include "html/layout.h"

#include "html/dom.h"
#include "html/inline_text.h"
#include "html/render.h"
#include "html/tables.h"
#include "html/wrap.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace mailveil::html {
namespace {

constexpr unsigned kMaxQuoteDepth = 16;
constexpr std::size_t kMaxIndentFraction = 3; // indentation takes at most width/3

struct Container {
    enum class Type { quote, item, indent };
    Type type;
    std::string marker; // item: "* ", "3. "
    std::size_t width = 0;
    bool used = false; // item: the marker has been printed
};

struct ListState {
    bool ordered = false;
    bool reversed = false;
    bool markers = true; // list-style:none turns them off
    char style = '1';    // ol type: 1 a A i I
    long next = 1;
};

struct OpenLink {
    std::string url;
    const InlineText* sink;
    std::uint64_t generation;
    std::size_t offset;
};

struct DataTable {
    std::vector<TableRow> rows;
    InlineText cell;
    InlineText caption;
    bool in_cell = false;
    bool in_caption = false;
    bool header = false;
    unsigned colspan = 1;
};

// What entering an element did, so that leaving it can undo exactly that.
struct Frame {
    NodeId node;
    Kind kind;
    unsigned margin = 0;
    bool container = false;
    bool list = false;
    bool link = false;
    bool mso_marker = false;
    bool data_table = false;
};

std::string roman(long n, bool upper) {
    static constexpr std::pair<int, const char*> kRoman[] = {
        {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
        {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
    if (n <= 0 || n >= 4000)
        return std::to_string(n);
    std::string out;
    for (const auto& [value, digits] : kRoman)
        while (n >= value) {
            out += digits;
            n -= value;
        }
    if (upper)
        std::transform(out.begin(), out.end(), out.begin(),
                       [](char c) { return static_cast<char>(c - 32); });
    return out;
}

std::string alphabetic(long n, bool upper) {
    if (n <= 0)
        return std::to_string(n);
    std::string out;
    while (n > 0) {
        --n;
        out.insert(out.begin(), static_cast<char>((upper ? 'A' : 'a') + n % 26));
        n /= 26;
    }
    return out;
}

std::optional<long> parse_long(const std::optional<std::string_view>& s) {
    if (!s)
        return std::nullopt;
    std::string_view v = *s;
    while (!v.empty() && v.front() == ' ')
        v.remove_prefix(1);
    long value = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
    if (ec != std::errc() || end == v.data())
        return std::nullopt;
    return std::clamp(value, -1000000000L, 1000000000L);
}

// width="1", height="0px" and the like: a tracking pixel or spacer.
bool is_tiny(const Tree& tree, NodeId img) {
    for (const char* dim : {"width", "height"}) {
        const auto v = parse_long(tree.attribute(img, dim));
        if (v && *v <= 1)
            return true;
        const std::string css = style_value(tree, img, dim);
        if (css == "0" || css == "0px" || css == "1px")
            return true;
    }
    return false;
}

bool looks_like_file_name(std::string_view alt) {
    if (alt.find(' ') != std::string_view::npos)
        return false;
    const auto dot = alt.rfind('.');
    if (dot == std::string_view::npos)
        return false;
    std::string ext(alt.substr(dot + 1));
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    return ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "gif" || ext == "webp" ||
           ext == "svg" || ext == "bmp";
}

bool has_mso_class(const Tree& tree, NodeId n) {
    const auto cls = tree.attribute(n, "class");
    return cls && cls->starts_with("Mso");
}

// Word's <span style='mso-list:Ignore'> holding a list item's marker.
bool is_mso_list_marker(const Tree& tree, NodeId n) {
    const auto style = tree.attribute(n, "style");
    return style && contains_ci(*style, "mso-list") && style_value(tree, n, "mso-list") == "ignore";
}

// Word's list bullets, written in the Symbol and Wingdings fonts.
bool is_mso_bullet(std::string_view s) {
    return s == "\xC2\xB7" || s == "o" || s == "\xC2\xA7" || s == "\xC3\xBC" || s == "\xC3\x98" ||
           s == "-" || s == "\xE2\x80\xA2";
}

class Walker {
  public:
    Walker(const Tree& tree, const Options& options, LinkTable& links,
           const ClassSet& hidden_classes, BlockRenderer& out)
        : tree_(tree), options_(options), links_(links), hidden_classes_(hidden_classes),
          out_(out) {}

    void run() {
        NodeId n = tree_.first();
        while (n != kNoNode) {
            if (enter(n) && tree_.first_child(n) != kNoNode) {
                n = tree_.first_child(n);
                continue;
            }
            leave(n);
            while (n != kNoNode && tree_.next(n) == kNoNode) {
                n = tree_.parent(n);
                if (n != kNoNode)
                    leave(n);
            }
            if (n != kNoNode)
                n = tree_.next(n);
        }
        flush();
        if (last_)
            out_.add(*last_);
    }

  private:
    InlineText& sink() {
        if (table_) {
            if (table_->in_caption)
                return table_->caption;
            if (table_->in_cell)
                return table_->cell;
            return scratch_;
        }
        return inline_;
    }

    void request_margin(unsigned lines) { pending_margin_ = std::max(pending_margin_, lines); }

    unsigned quote_depth() const {
        return static_cast<unsigned>(
            std::count_if(containers_.begin(), containers_.end(),
                          [](const Container& c) { return c.type == Container::Type::quote; }));
    }

    std::size_t indent_width() const {
        std::size_t w = 0;
        for (const auto& c : containers_)
            if (c.type != Container::Type::quote)
                w += c.width;
        return w;
    }

    std::size_t available_width() const {
        const std::size_t used = 2 * quote_depth() + indent_width();
        return options_.width > used + 10 ? options_.width - used : 10;
    }

    void fill_prefixes(Block& b) {
        for (auto& c : containers_) {
            if (c.type == Container::Type::quote)
                continue;
            if (c.type == Container::Type::item && !c.used) {
                b.first_prefix += c.marker;
                b.rest_prefix.append(c.width, ' ');
                c.used = true;
            } else {
                b.first_prefix.append(c.width, ' ');
                b.rest_prefix.append(c.width, ' ');
            }
        }
        b.quote_depth = quote_depth();
    }

    void push_block(Block b) {
        fill_prefixes(b);
        b.margin_before = pending_margin_;
        pending_margin_ = 0;
        emit(std::move(b));
    }

    // The newest block stays here until the next one comes: a link around
    // whole blocks still adds its number to it.
    void emit(Block b) {
        if (last_)
            out_.add(*last_);
        last_ = std::move(b);
    }

    // Ends the current block of inline text.
    void flush() {
        const bool nbsp = inline_.saw_nbsp(), brk = inline_.saw_break();
        Paragraph p = inline_.take();
        if (p.text.empty()) {
            // <p>&nbsp;</p> and <div><br></div> are how mail spells a blank line.
            if ((nbsp || brk) && pre_depth_ == 0)
                request_margin(1);
            return;
        }
        Block b;
        if (pre_depth_ > 0)
            b.type = Block::Type::pre;
        else if (heading_ == 1)
            b.type = Block::Type::heading1;
        else if (heading_ == 2)
            b.type = Block::Type::heading2;
        b.text = std::move(p.text);
        b.glue = std::move(p.glue);
        push_block(std::move(b));
    }

    void push_container(Frame& f, Container c) {
        if (c.type == Container::Type::quote && quote_depth() >= kMaxQuoteDepth)
            return;
        if (c.type != Container::Type::quote &&
            indent_width() + c.width > options_.width / kMaxIndentFraction) {
            // Too deep to indent further: keep the marker, stop indenting.
            c.width = 0;
        }
        containers_.push_back(std::move(c));
        f.container = true;
    }

    // A list starting inside an item that has shown nothing yet: the item's
    // marker gets its own line, so the first sub-item never sits beside it.
    void marker_line_if_pending() {
        if (containers_.empty() || containers_.back().type != Container::Type::item ||
            containers_.back().used)
            return;
        Block b;
        b.type = Block::Type::marker;
        push_block(std::move(b));
    }

    bool inside_item() const {
        return std::any_of(containers_.begin(), containers_.end(),
                           [](const Container& c) { return c.type == Container::Type::item; });
    }

    std::string next_marker() {
        if (lists_.empty())
            return "* ";
        ListState& l = lists_.back();
        if (!l.markers)
            return "";
        if (!l.ordered)
            return "* ";
        const long n = l.next;
        l.next += l.reversed ? -1 : 1;
        switch (l.style) {
        case 'a':
        case 'A':
            return alphabetic(n, l.style == 'A') + ". ";
        case 'i':
        case 'I':
            return roman(n, l.style == 'I') + ". ";
        default:
            return std::to_string(n) + ". ";
        }
    }

    void start_list(NodeId n, Frame& f) {
        ListState l;
        l.ordered = tree_.name(n) == "ol";
        const std::string style =
            style_value(tree_, n, "list-style-type") + style_value(tree_, n, "list-style");
        l.markers = style.find("none") == std::string::npos;
        if (l.ordered) {
            if (const auto type = tree_.attribute(n, "type");
                type && type->size() == 1 &&
                std::string_view("1aAiI").find((*type)[0]) != std::string_view::npos)
                l.style = (*type)[0];
            l.reversed = tree_.attribute(n, "reversed").has_value();
            long count = 0;
            if (l.reversed)
                for (NodeId c = tree_.first_child(n); c != kNoNode; c = tree_.next(c))
                    if (tree_.type(c) == NodeType::element && tree_.name(c) == "li")
                        ++count;
            l.next = parse_long(tree_.attribute(n, "start")).value_or(l.reversed ? count : 1);
        }
        lists_.push_back(l);
        f.list = true;
    }

    void start_item(NodeId n, Frame& f) {
        if (!lists_.empty() && lists_.back().ordered)
            if (const auto value = parse_long(tree_.attribute(n, "value")))
                lists_.back().next = *value;
        Container c{Container::Type::item, next_marker()};
        c.width = display_width(c.marker);
        push_container(f, std::move(c));
    }

    void open_link(NodeId n, Frame& f) {
        const auto href = tree_.attribute(n, "href");
        InlineText& s = sink();
        links_open_.push_back(
            {href ? links_.target(*href) : std::string(), &s, s.generation(), s.size()});
        f.link = true;
    }

    void close_link() {
        OpenLink link = std::move(links_open_.back());
        links_open_.pop_back();
        if (link.url.empty() || !options_.link_list)
            return;
        InlineText& s = sink();
        const bool same = &s == link.sink && s.generation() == link.generation;
        if (same) {
            std::size_t from = std::min(link.offset, s.size());
            const std::string_view text = s.text();
            while (from < text.size() && (text[from] == ' ' || text[from] == '\n'))
                ++from;
            if (text_is_url(text.substr(from), link.url)) {
                s.glue_range(from, text.size());
                return;
            }
        }
        const std::string ref = "[" + std::to_string(links_.number(link.url)) + "]";
        if (!same && &s == &inline_ && s.empty() && last_ && last_->type != Block::Type::pre &&
            last_->type != Block::Type::marker && last_->type != Block::Type::rule &&
            last_->type != Block::Type::verbatim) {
            // The link wrapped whole blocks: its number goes after their text.
            Block& b = *last_;
            b.text += ' ';
            b.glue.push_back(static_cast<std::uint32_t>(b.text.size()));
            b.text += ref;
            return;
        }
        s.append_atom(ref, same && s.size() > link.offset);
    }

    void image(NodeId n) {
        if (is_tiny(tree_, n))
            return;
        const auto alt = tree_.attribute(n, "alt");
        if (!alt)
            return;
        const std::string text = collapse_whitespace(*alt);
        if (text.empty() || looks_like_file_name(text))
            return;
        sink().append_atom("[" + text + "]", false);
    }

    void text(NodeId n) {
        const std::string_view content = tree_.text(n);
        if (mso_marker_ > 0) {
            const std::string marker = collapse_whitespace(content);
            sink().append_text(is_mso_bullet(marker) ? std::string_view("*") : content);
            return;
        }
        if (pre_depth_ > 0 && !table_)
            sink().append_pre(content);
        else
            sink().append_text(content);
    }

    void start_data_table() {
        flush();
        request_margin(1);
        table_.emplace();
    }

    void finish_data_table() {
        DataTable t = std::move(*table_);
        table_.reset();
        Paragraph caption = t.caption.take();
        if (!caption.text.empty()) {
            Block b;
            b.text = std::move(caption.text);
            b.glue = std::move(caption.glue);
            push_block(std::move(b));
        }
        if (auto lines = align_table(t.rows, available_width())) {
            if (!lines->empty()) {
                Block b;
                b.type = Block::Type::verbatim;
                for (const auto& line : *lines) {
                    if (!b.text.empty())
                        b.text += '\n';
                    b.text += line;
                }
                push_block(std::move(b));
            }
        } else {
            for (const auto& row : t.rows) {
                Paragraph p = join_row(row);
                if (p.text.empty())
                    continue;
                Block b;
                b.text = std::move(p.text);
                b.glue = std::move(p.glue);
                // Wrapped rows hang under their first cell.
                containers_.push_back({Container::Type::indent, "", 2, true});
                fill_prefixes(b);
                containers_.pop_back();
                b.first_prefix.resize(b.first_prefix.size() - 2);
                b.margin_before = pending_margin_;
                pending_margin_ = 0;
                emit(std::move(b));
            }
        }
        request_margin(1);
    }

    // Inside a data table only cells, rows and inline content matter.
    void enter_in_table(NodeId n, Frame& f) {
        DataTable& t = *table_;
        switch (f.kind) {
        case Kind::row:
            t.rows.emplace_back();
            break;
        case Kind::cell:
            if (t.rows.empty())
                t.rows.emplace_back();
            t.cell.take();
            t.in_cell = true;
            t.header = tree_.name(n) == "th";
            t.colspan = static_cast<unsigned>(
                std::clamp(parse_long(tree_.attribute(n, "colspan")).value_or(1), 1L, 1000L));
            break;
        case Kind::caption:
            t.in_caption = true;
            break;
        case Kind::link:
            open_link(n, f);
            break;
        case Kind::image:
            image(n);
            break;
        case Kind::inline_:
        case Kind::section:
        case Kind::table:
            break;
        default: // blocks and <br> inside a cell: a space between words
            sink().space();
            break;
        }
    }

    void leave_in_table(const Frame& f) {
        DataTable& t = *table_;
        switch (f.kind) {
        case Kind::cell:
            if (t.in_cell) {
                t.rows.back().push_back({t.cell.take(), t.header, t.colspan});
                t.in_cell = false;
            }
            break;
        case Kind::caption:
            t.in_caption = false;
            break;
        case Kind::link:
            if (f.link)
                close_link();
            break;
        case Kind::inline_:
        case Kind::section:
        case Kind::image:
        case Kind::row:
            break;
        default:
            sink().space();
            break;
        }
    }

    // Returns whether to walk into the node's children.
    bool enter(NodeId n) {
        const NodeType type = tree_.type(n);
        if (type == NodeType::text || type == NodeType::cdata) {
            text(n);
            return false;
        }
        if (type != NodeType::element)
            return false;
        const ElementInfo info = tree_.info(n);
        if (info.kind == Kind::skip || is_hidden(tree_, n, hidden_classes_))
            return false;
        Frame f{n, info.kind, info.margin};
        if (table_) {
            enter_in_table(n, f);
            if (f.kind == Kind::inline_ && is_mso_list_marker(tree_, n)) {
                f.mso_marker = true;
                ++mso_marker_;
            }
            frames_.push_back(f);
            return true;
        }
        switch (info.kind) {
        case Kind::inline_:
            if (is_mso_list_marker(tree_, n)) {
                f.mso_marker = true;
                ++mso_marker_;
            }
            break;
        case Kind::block:
            if (tree_.name(n) == "p" && has_mso_class(tree_, n))
                f.margin = 0; // Outlook's paragraphs have no margins
            flush();
            request_margin(f.margin);
            break;
        case Kind::br:
            sink().hard_break();
            break;
        case Kind::hr: {
            flush();
            request_margin(1);
            Block b;
            b.type = Block::Type::rule;
            push_block(std::move(b));
            request_margin(1);
            return false;
        }
        case Kind::pre:
            flush();
            request_margin(1);
            ++pre_depth_;
            break;
        case Kind::blockquote:
            flush();
            request_margin(1);
            push_container(f, {Container::Type::quote, ""});
            break;
        case Kind::list:
            flush();
            marker_line_if_pending();
            f.margin = inside_item() ? 0 : 1;
            request_margin(f.margin);
            start_list(n, f);
            break;
        case Kind::item:
            flush();
            start_item(n, f);
            break;
        case Kind::heading:
            flush();
            request_margin(1);
            heading_ = tree_.name(n)[1] - '0';
            break;
        case Kind::link:
            open_link(n, f);
            break;
        case Kind::image:
            image(n);
            return false;
        case Kind::table:
            if (is_data_table(tree_, n, hidden_classes_)) {
                start_data_table();
                f.data_table = true;
            } else {
                flush();
                request_margin(1);
            }
            break;
        case Kind::row:
            flush();
            request_margin(1);
            break;
        case Kind::cell:
        case Kind::caption:
        case Kind::dt:
            flush();
            break;
        case Kind::dd:
            flush();
            push_container(f, {Container::Type::indent, "", 4});
            break;
        case Kind::section:
        case Kind::skip:
            break;
        }
        frames_.push_back(f);
        return true;
    }

    void leave(NodeId n) {
        if (frames_.empty() || frames_.back().node != n)
            return;
        const Frame f = frames_.back();
        frames_.pop_back();
        if (f.mso_marker)
            --mso_marker_;
        if (table_ && !f.data_table) {
            leave_in_table(f);
            return;
        }
        switch (f.kind) {
        case Kind::inline_:
        case Kind::br:
        case Kind::hr:
        case Kind::image:
        case Kind::section:
        case Kind::skip:
            break;
        case Kind::block:
        case Kind::row:
            flush();
            request_margin(f.margin);
            break;
        case Kind::pre:
            flush();
            --pre_depth_;
            request_margin(1);
            break;
        case Kind::blockquote:
        case Kind::item:
        case Kind::dd:
            flush();
            if (f.container)
                containers_.pop_back();
            request_margin(f.margin);
            break;
        case Kind::list:
            flush();
            if (f.list)
                lists_.pop_back();
            request_margin(f.margin);
            break;
        case Kind::heading:
            flush();
            heading_ = 0;
            request_margin(1);
            break;
        case Kind::link:
            if (f.link)
                close_link();
            break;
        case Kind::table:
            if (f.data_table)
                finish_data_table();
            else {
                flush();
                request_margin(1);
            }
            break;
        case Kind::cell:
        case Kind::caption:
        case Kind::dt:
            flush();
            break;
        }
    }

    const Tree& tree_;
    const Options& options_;
    LinkTable& links_;
    const ClassSet& hidden_classes_;
    BlockRenderer& out_;
    std::optional<Block> last_;
    InlineText inline_;
    InlineText scratch_; // text between the cells of a data table: dropped
    std::vector<Frame> frames_;
    std::vector<Container> containers_;
    std::vector<ListState> lists_;
    std::vector<OpenLink> links_open_;
    std::optional<DataTable> table_;
    unsigned pending_margin_ = 0;
    int pre_depth_ = 0;
    int heading_ = 0;
    int mso_marker_ = 0;
};

} // namespace

std::string base_href(const Tree& tree) {
    NodeId root = tree.first();
    while (root != kNoNode && tree.type(root) != NodeType::element)
        root = tree.next(root);
    if (root == kNoNode)
        return {};
    for (NodeId section = tree.first_child(root); section != kNoNode;
         section = tree.next(section)) {
        if (tree.type(section) != NodeType::element || tree.name(section) != "head")
            continue;
        for (NodeId n = tree.first_child(section); n != kNoNode; n = tree.next(n))
            if (tree.type(n) == NodeType::element && tree.name(n) == "base")
                if (const auto href = tree.attribute(n, "href"))
                    return std::string(*href);
    }
    return {};
}

void lay_out(const Tree& tree, const Options& options, LinkTable& links,
             const ClassSet& hidden_classes, BlockRenderer& out) {
    Walker walker(tree, options, links, hidden_classes, out);
    walker.run();
}

} // namespace mailveil::html
