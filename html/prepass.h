// prepass.h - repair what libxml2's HTML parser would misread in mail HTML.
//
// Fixes on the UTF-8 text before parsing, in one linear pass:
//  - Word/Outlook "downlevel-revealed" conditionals <![if !supportLists]> and
//    <![endif]> are removed (libxml2 would show them as text); what lies
//    between them stays, as in every non-IE renderer.
//  - Namespaced tags (<o:p>, <v:shape>, <st1:place>) get '-' for ':'; libxml2
//    drops the prefix, which would turn Outlook's inline <o:p> into a <p>.
//  - Comments (MSO conditionals among them) and the contents of <style> and
//    <script> are removed: never shown, and the parser need not build them.
//    Style sheets are read first for classes they hide.
//  - Attributes the converter never reads, and style declarations it never
//    reads, are dropped from start tags (attributes.h): the parser need not
//    read them.
//
// Never fails.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>

namespace mailveil::html {

// Class names; looked up by string_view without a copy.
using ClassSet = std::set<std::string, std::less<>>;

struct Prepassed {
    std::string html;
    // Classes that a top-level rule of a <style> element hides
    // (".preheader { display: none }"); @media blocks are not read.
    ClassSet hidden_classes;
};

Prepassed prepass(std::string_view utf8);

// The hidden classes of one style sheet's text.
void collect_hidden_classes(std::string_view css, ClassSet& out);

} // namespace mailveil::html
