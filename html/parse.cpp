// parse.cpp - SAX handlers that mirror libxml2's tree builder (SAX2.c) on a Tree.
//
// What libxml2's HTML parser decides from the tree it builds, it has to be
// able to decide here too: whether blank text between tags is kept
// (areBlanks() looks at ctxt->node and its last child) depends on the open
// element's last child. So after every event ctxt->node points at a stand-in
// node that shows exactly that: the open element and its last child that is
// not a comment. The parser reads nothing else from ctxt->node.
#include "html/parse.h"

#include "html/html_to_text.h"

#include <climits>
#include <cstring>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <memory>
#include <unordered_map>
#include <vector>

namespace mailveil::html {
namespace {

constexpr int kOptions = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                         HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;

// libxml2's node type for each NodeType, in the enum's order.
constexpr xmlElementType kXmlType[] = {XML_ELEMENT_NODE, XML_TEXT_NODE, XML_CDATA_SECTION_NODE,
                                       XML_COMMENT_NODE, XML_PI_NODE};

struct CtxtFreer {
    void operator()(xmlParserCtxt* ctxt) const {
        ctxt->node = nullptr; // the stand-in, not libxml2's
        if (ctxt->myDoc)
            xmlFreeDoc(ctxt->myDoc); // holds the DOCTYPE only
        ctxt->myDoc = nullptr;
        xmlFreeParserCtxt(ctxt);
    }
};
using CtxtPtr = std::unique_ptr<xmlParserCtxt, CtxtFreer>;

struct XmlFreer {
    void operator()(xmlChar* p) const { xmlFree(p); }
};
using XmlString = std::unique_ptr<xmlChar, XmlFreer>;

std::string_view view(const xmlChar* s) {
    return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

class Builder {
  public:
    Builder(xmlParserCtxt* ctxt, std::size_t input_bytes) : ctxt_(ctxt) {
        tree_.reserve(input_bytes);
        stand_in_.type = XML_ELEMENT_NODE;
        sync();
    }

    Tree take() { return std::move(tree_); }

    static Builder& of(void* ctx) {
        return *static_cast<Builder*>(static_cast<xmlParserCtxt*>(ctx)->_private);
    }

    // xmlSAX2StartElement
    void start_element(const xmlChar* fullname, const xmlChar** atts) {
        if (!fullname || !ctxt_->myDoc)
            return;
        if (open_.size() > xmlParserMaxDepth && !(ctxt_->options & XML_PARSE_HUGE)) {
            xmlStopParser(ctxt_); // nodePush() halts the parser here
            return;
        }
        const Tree::NameId name = element_name(fullname);
        NodeId parent = kNoNode;
        if (!open_.empty())
            parent = open_.back().node;
        else if (!doc_has_dtd() && tree_.first() != kNoNode &&
                 tree_.type(tree_.first()) == NodeType::element)
            parent = tree_.first(); // a second root goes into the first
        const NodeId n = tree_.append(parent, NodeType::element, name);
        if (atts)
            for (std::size_t i = 0; atts[i]; i += 2) {
                const xmlChar* value = atts[i + 1];
                if (!value && htmlIsBooleanAttr(atts[i]))
                    value = atts[i];
                tree_.add_attribute(n, attribute_name(atts[i]), view(value));
            }
        if (!open_.empty())
            open_.back().last = n;
        open_.push_back({n, kNoNode});
        sync();
    }

    // xmlSAX2EndElement
    void end_element() {
        if (!open_.empty())
            open_.pop_back();
        sync();
    }

    // xmlSAX2Characters, xmlSAX2CDataBlock
    void characters(const xmlChar* ch, int len, NodeType type) {
        if (open_.empty() || len < 0)
            return;
        const std::string_view chars(reinterpret_cast<const char*>(ch),
                                     static_cast<std::size_t>(len));
        Open& open = open_.back();
        const NodeId last = tree_.last_child(open.node);
        if (last != kNoNode && tree_.type(last) == type) {
            if (tree_.text_size(last) + chars.size() > XML_MAX_TEXT_LENGTH &&
                !(ctxt_->options & XML_PARSE_HUGE)) {
                // "huge text node": libxml2 stops as if out of memory.
                ctxt_->errNo = XML_ERR_NO_MEMORY;
                ctxt_->instate = XML_PARSER_EOF;
                ctxt_->disableSAX = 1;
                return;
            }
            tree_.add_text(last, chars);
            return;
        }
        const NodeId n = tree_.append(open.node, type);
        tree_.add_text(n, chars);
        open.last = n;
        sync();
    }

    // xmlSAX2Comment: a node that keeps text apart, invisible to areBlanks().
    void comment() { tree_.append(open_.empty() ? kNoNode : open_.back().node, NodeType::comment); }

    // xmlSAX2ProcessingInstruction
    void processing_instruction(const xmlChar* target) {
        if (!target)
            return;
        const Tree::NameId name = tree_.intern(view(target));
        const NodeId n =
            tree_.append(open_.empty() ? kNoNode : open_.back().node, NodeType::pi, name);
        if (!open_.empty()) {
            open_.back().last = n;
            sync();
        }
    }

  private:
    struct Open {
        NodeId node;
        NodeId last; // last child that is not a comment
    };

    bool doc_has_dtd() const { return ctxt_->myDoc && ctxt_->myDoc->children; }

    // The local part, as xmlSAX2StartElement() names elements.
    Tree::NameId element_name(const xmlChar* fullname) {
        if (const auto it = element_names_.find(fullname); it != element_names_.end())
            return it->second;
        Tree::NameId id;
        if (std::strchr(reinterpret_cast<const char*>(fullname), ':')) {
            xmlChar* prefix = nullptr;
            const XmlString local(xmlSplitQName(ctxt_, fullname, &prefix));
            const XmlString owned_prefix(prefix);
            id = tree_.intern(view(local ? local.get() : fullname));
        } else {
            id = tree_.intern(view(fullname));
        }
        element_names_.emplace(fullname, id);
        return id;
    }

    Tree::NameId attribute_name(const xmlChar* name) {
        if (const auto it = attribute_names_.find(name); it != attribute_names_.end())
            return it->second;
        const Tree::NameId id = tree_.intern(view(name));
        attribute_names_.emplace(name, id);
        return id;
    }

    // Points ctxt->node at a stand-in for the open element, whose last
    // child looks like the real one to areBlanks().
    void sync() {
        if (open_.empty()) {
            ctxt_->node = nullptr;
            return;
        }
        const NodeId last = open_.back().last;
        if (last == kNoNode) {
            stand_in_.children = stand_in_.last = nullptr;
        } else {
            const NodeType type = tree_.type(last);
            last_child_.type = kXmlType[static_cast<std::size_t>(type)];
            const bool named = type == NodeType::element || type == NodeType::pi;
            last_child_.name =
                named ? reinterpret_cast<const xmlChar*>(tree_.name_c_str(last)) : nullptr;
            stand_in_.children = stand_in_.last = &last_child_;
        }
        ctxt_->node = &stand_in_;
    }

    xmlParserCtxt* ctxt_;
    Tree tree_;
    std::vector<Open> open_;
    // libxml2 hands names out of its dictionary (or static strings): the
    // same pointer is the same name.
    std::unordered_map<const xmlChar*, Tree::NameId> element_names_;
    std::unordered_map<const xmlChar*, Tree::NameId> attribute_names_;
    xmlNode stand_in_{};
    xmlNode last_child_{};
};

void on_start_element(void* ctx, const xmlChar* name, const xmlChar** atts) {
    Builder::of(ctx).start_element(name, atts);
}
void on_end_element(void* ctx, const xmlChar*) {
    Builder::of(ctx).end_element();
}
void on_characters(void* ctx, const xmlChar* ch, int len) {
    Builder::of(ctx).characters(ch, len, NodeType::text);
}
void on_cdata(void* ctx, const xmlChar* ch, int len) {
    Builder::of(ctx).characters(ch, len, NodeType::cdata);
}
void on_comment(void* ctx, const xmlChar*) {
    Builder::of(ctx).comment();
}
void on_processing_instruction(void* ctx, const xmlChar* target, const xmlChar*) {
    Builder::of(ctx).processing_instruction(target);
}

} // namespace

Tree parse_html(std::string_view utf8) {
    if (utf8.size() > static_cast<std::size_t>(INT_MAX))
        throw TooLarge("HTML part too large to parse");
    // An empty buffer yields no document at all; parse a lone space instead.
    const std::string_view input = utf8.empty() ? std::string_view(" ") : utf8;

    // What htmlReadMemory() does, with our handlers in place of the tree builder.
    xmlInitParser();
    CtxtPtr ctxt(xmlCreateMemoryParserCtxt(input.data(), static_cast<int>(input.size())));
    if (!ctxt || !ctxt->sax)
        throw Error("libxml2 could not create an HTML parser");
    xmlSAXHandler handler{};
    xmlSAX2InitHtmlDefaultSAXHandler(&handler); // startDocument, DOCTYPE: libxml2's own
    handler.startElement = on_start_element;
    handler.endElement = on_end_element;
    handler.characters = on_characters;
    handler.cdataBlock = on_cdata;
    handler.comment = on_comment;
    handler.processingInstruction = on_processing_instruction;
    std::memcpy(ctxt->sax, &handler, sizeof(xmlSAXHandlerV1));

    Builder builder(ctxt.get(), input.size());
    ctxt->_private = &builder;
    htmlCtxtUseOptions(ctxt.get(), kOptions);
    ctxt->html = 1;
    if (xmlCharEncodingHandlerPtr utf8_handler = xmlFindCharEncodingHandler("UTF-8")) {
        xmlSwitchToEncoding(ctxt.get(), utf8_handler);
        if (ctxt->input->encoding)
            xmlFree(const_cast<xmlChar*>(ctxt->input->encoding));
        ctxt->input->encoding = xmlStrdup(reinterpret_cast<const xmlChar*>("UTF-8"));
    }
    htmlParseDocument(ctxt.get());
    ctxt->_private = nullptr;
    return builder.take();
}

} // namespace mailveil::html
