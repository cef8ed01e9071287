// header_protection.h - RFC 9788 header protection for the payload mailveil encrypts.
//
// protect_headers() turns a received message into the cryptographic payload of
// RFC 9788 ("Header Protection for Cryptographically Protected Email") under the
// baseline Header Confidentiality Policy, hcp_baseline (section 3.2.1), plus the
// changes the outer, unencrypted header section needs. It is a pure function:
// it reads the message and returns bytes; the engine encrypts the entity and
// applies the changes together with its own Content-* / MIME-Version rewrite.
//
// The payload (entity), CRLF throughout:
//  - the message's header fields as received, byte for byte (folding, raw
//    8-bit, RFC 2047 words), MIME-Version included, in their original order;
//    not copied: trace and transport fields MTAs add on the way (Received,
//    Return-Path, Delivered-To, DKIM-Signature, ARC-*, Authentication-Results,
//    Received-SPF), which describe the path and not the message (they stay
//    outside with no HP-Outer, like fields added after mailveil), and Bcc /
//    Resent-Bcc, whose copy inside would show every recipient the hidden ones
//    (the most private choice RFC 9788 section 11.4 allows); an HP-Outer field
//    found outside is never copied in, as it would forge the sender's record;
//  - the original Content-* fields describing the body, the Content-Type with
//    hp="cipher" (section 2.1.1) and protected-headers="v1" added through
//    GMime's parameter list (no Content-Type: "text/plain; charset=us-ascii"
//    with both). protected-headers="v1" is draft-autocrypt-lamps-protected-
//    headers, the form RFC 9788 grew from: Thunderbird and notmuch show the
//    protected Subject only with it, and RFC 9788 readers ignore it;
//  - one "HP-Outer: Name: value" field (section 2.2) for each copied field, in
//    order, with the value the outer header section keeps; a field the policy
//    removes gets none, which is how section 2.2 records a removal;
//  - the body, with a Legacy Display Element (sections 5.2.2, 5.2.3) in each
//    main body part when the policy hid a user-facing field that has text.
//
// hcp_baseline: Subject becomes "[...]", Comments and Keywords are removed from
// the outer section, everything else stays as it is. outer_changes lists
// exactly that, for the fields the message has.
//
// Legacy Display Element, for clients that decrypt but know no header
// protection: "Subject: <decoded value>" lines (RFC 2047 decoded, controls
// blanked so an encoded word cannot forge a line) in the order received, and
// the part's Content-Type gets hp-legacy-display="1".
//  - text/plain: the lines and a blank line lead the text. A us-ascii or UTF-8
//    part keeps its bytes after them (charset becomes utf-8 only when the lines
//    need it); a part in another charset is converted to UTF-8 first, since
//    the lines may not fit its charset.
//  - text/html: <div class="header-protection-legacy-display"><pre>...</pre></div>
//    right after the <body> start tag (before the content if there is none),
//    written in ASCII with character references so the part keeps its bytes
//    and its charset (a <meta charset> inside stays true).
//  - main body parts (RFC 9787): every child of multipart/alternative, the
//    first child of any other multipart, text/plain or text/html not marked as
//    attachment, never inside multipart/signed. RFC 9788 puts the element into
//    these parts rather than wrapping the message in a new multipart/mixed with
//    a display part of its own (the "Legacy Display Part" of the autocrypt
//    draft, which many clients show as an attachment), so a multipart keeps
//    its structure and boundary; GMime writes every other part back as it was
//    (header and encoded bytes), and with no part decorated the body is the
//    input's, byte for byte.
//  - none when there is no such part (an image-only message, say): the
//    element is decoration, the outer Subject is hidden all the same.
//
// A message whose top-level entity is multipart/signed (or multipart/encrypted)
// is returned without header protection (headers_protected false, no outer
// changes, the plain RFC 3156 entity): the cryptographic payload a reader looks
// for protected headers in is inside the signature, which mailveil cannot
// change, and a hidden Subject no reader can recover is worse than one left
// readable.
//
// Failure: throws MessageError when GMime cannot parse or write the entity. A
// part whose text cannot be converted (unknown charset, invalid bytes) is left
// without a legacy display rather than failing the message.
#pragma once

#include "mime/gmime_handles.h"
#include "mime/parsed_message.h"

#include <optional>
#include <string>
#include <vector>

namespace mailveil::mime {

// A change to the outer header section. value set: replace every occurrence of
// the field by one field with this value (no leading space, no line end);
// nullopt: remove every occurrence. Names compare case-insensitively.
struct OuterHeaderChange {
    std::string name;
    std::optional<std::string> value;
};

struct ProtectedPayload {
    std::string entity; // the complete inner MIME entity to encrypt, CRLF line ends
    std::vector<OuterHeaderChange> outer_changes;
    // False for a signed (or encrypted) top-level entity: then entity is the
    // original Content-* fields and body and outer_changes is empty.
    bool headers_protected = false;
};

ProtectedPayload protect_headers(const ParsedMessage& message);

// The same payload as a stream, for spooled messages: parts other than the
// decorated main text part are read from the spool file as the stream is
// read, and a decorated body goes to a new spool file beside it. A main text
// part over kMaxDecoratedPart bytes gets no legacy display (in either form).
struct ProtectedStream {
    GObjectPtr<GMimeStream> entity; // the whole entity, CRLF line ends
    std::vector<OuterHeaderChange> outer_changes;
    bool headers_protected = false;
};

inline constexpr gint64 kMaxDecoratedPart = 1024 * 1024;

ProtectedStream protect_headers_streaming(const ParsedMessage& message);

} // namespace mailveil::mime
