// tree.cpp - building and reading the compact document tree.
#include "html/tree.h"

#include "html/ascii.h"

#include "html/html_to_text.h"

#include <cstring>

namespace mailveil::html {
namespace {

bool equal_ci(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

std::uint32_t offset32(std::size_t n) {
    if (n > std::numeric_limits<std::uint32_t>::max())
        throw TooLarge("HTML part too large for the document tree");
    return static_cast<std::uint32_t>(n);
}

} // namespace

std::string_view Tree::text(NodeId n) const {
    const Node& node = nodes_[n];
    const std::string_view s(arena_.data() + node.start, node.count);
    const auto nul = s.find('\0');
    return nul == std::string_view::npos ? s : s.substr(0, nul);
}

std::optional<std::string_view> Tree::attribute(NodeId element, std::string_view name) const {
    const Node& node = nodes_[element];
    for (std::uint32_t i = node.start; i < node.start + node.count; ++i) {
        const Attribute& a = attributes_[i];
        if (equal_ci(names_[a.name].text, name))
            return std::string_view(arena_.data() + a.start, a.size);
    }
    return std::nullopt;
}

void Tree::reserve(std::size_t input_bytes) {
    // Text and attribute values never take more bytes than their source;
    // newsletter markup has a node every 20 to 40 bytes.
    arena_.reserve(input_bytes);
    nodes_.reserve(input_bytes / 24);
    attributes_.reserve(input_bytes / 48);
}

Tree::NameId Tree::intern(std::string_view name) {
    if (const auto it = name_ids_.find(name); it != name_ids_.end())
        return it->second;
    const NameId id = offset32(names_.size());
    names_.push_back({std::string(name), element_info(name)});
    name_ids_.emplace(names_.back().text, id);
    return id;
}

NodeId Tree::append(NodeId parent, NodeType type, NameId name) {
    const NodeId id = offset32(nodes_.size());
    if (id == kNoNode)
        throw TooLarge("HTML part has too many nodes");
    Node node;
    node.parent = parent;
    node.name = name;
    node.type = type;
    if (type == NodeType::element)
        node.start = offset32(attributes_.size());
    else
        node.start = offset32(arena_.size());
    nodes_.push_back(node);
    NodeId& last = parent == kNoNode ? last_top_ : nodes_[parent].last_child;
    if (last != kNoNode)
        nodes_[last].next = id;
    else if (parent != kNoNode)
        nodes_[parent].first_child = id;
    last = id;
    return id;
}

void Tree::add_attribute(NodeId element, NameId name, std::string_view value) {
    Node& node = nodes_[element];
    attributes_.push_back({name, offset32(arena_.size()), offset32(value.size())});
    arena_.append(value);
    ++node.count;
}

void Tree::add_text(NodeId n, std::string_view chars) {
    Node& node = nodes_[n];
    if (node.start + node.count != arena_.size()) {
        // Something else was stored since: move the content to the end.
        const std::string content = arena_.substr(node.start, node.count);
        node.start = offset32(arena_.size());
        arena_.append(content);
    }
    arena_.append(chars);
    node.count = offset32(arena_.size() - node.start);
}

} // namespace mailveil::html
