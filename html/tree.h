// tree.h - the parsed document: a compact, read-only tree for the layout walk.
//
// parse.h fills it from libxml2's SAX events instead of letting libxml2 build
// its own tree: nodes live in one array and link by index, every distinct
// name is stored once (with its ElementInfo), text and attribute values share
// one string arena. It holds what libxml2's tree builder would hold, shaped
// the same way: elements with their attributes, text and CDATA (adjacent
// text in one node, merged as libxml2 merges it), and comments and
// processing instructions as nodes without content (they keep the text on
// either side apart, as in libxml2's tree). Views into the tree stay valid
// as long as it lives and nothing is added.
//
// Never fails except by std::bad_alloc.
#pragma once

#include "html/elements.h"

#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mailveil::html {

using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();

enum class NodeType : std::uint8_t { element, text, cdata, comment, pi };

class Tree {
  public:
    using NameId = std::uint32_t;

    // The first node at the top level (next() walks the others), or kNoNode.
    NodeId first() const { return nodes_.empty() ? kNoNode : 0; }
    NodeType type(NodeId n) const { return nodes_[n].type; }
    NodeId parent(NodeId n) const { return nodes_[n].parent; }
    NodeId first_child(NodeId n) const { return nodes_[n].first_child; }
    NodeId last_child(NodeId n) const { return nodes_[n].last_child; }
    NodeId next(NodeId n) const { return nodes_[n].next; }

    // Element name (lowercase, no prefix) or processing instruction target.
    std::string_view name(NodeId n) const { return names_[nodes_[n].name].text; }
    const char* name_c_str(NodeId n) const { return names_[nodes_[n].name].text.c_str(); }
    ElementInfo info(NodeId n) const { return names_[nodes_[n].name].info; }

    // Content of a text or CDATA node, up to a NUL if it has one.
    std::string_view text(NodeId n) const;

    bool has_attributes(NodeId element) const { return nodes_[element].count != 0; }
    // The attribute's value ("" when it has none), or nothing when it is
    // absent. Names compare ignoring ASCII case.
    std::optional<std::string_view> attribute(NodeId element, std::string_view name) const;

    // Building, for parse.cpp. reserve() takes the input's size as a hint.
    void reserve(std::size_t input_bytes);
    NameId intern(std::string_view name);
    // Appends a node as the last child of `parent`, or at the top level for kNoNode.
    NodeId append(NodeId parent, NodeType type, NameId name = 0);
    // Only right after append() of the element itself.
    void add_attribute(NodeId element, NameId name, std::string_view value);
    // Appends to the content of a text or CDATA node.
    void add_text(NodeId n, std::string_view chars);
    std::size_t text_size(NodeId n) const { return nodes_[n].count; }

  private:
    struct Node {
        NodeId parent = kNoNode;
        NodeId first_child = kNoNode;
        NodeId last_child = kNoNode;
        NodeId next = kNoNode;
        std::uint32_t start = 0; // text: offset in arena_; element: first attribute
        std::uint32_t count = 0; // text: bytes; element: attributes
        NameId name = 0;
        NodeType type = NodeType::element;
    };
    struct Attribute {
        NameId name;
        std::uint32_t start;
        std::uint32_t size;
    };
    struct Name {
        std::string text;
        ElementInfo info;
    };

    std::vector<Node> nodes_;
    NodeId last_top_ = kNoNode;
    std::vector<Attribute> attributes_;
    std::string arena_;
    std::deque<Name> names_; // a deque: c_str() stays put as names are added
    std::unordered_map<std::string_view, NameId> name_ids_;
};

} // namespace mailveil::html
