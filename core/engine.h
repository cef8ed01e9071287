// engine.h - the decision and the rewrite: recipients + message -> outcome.
//
// The one piece both front ends (milter and mailveil-filter) call.
//
// Decision, in this order:
//  - already encrypted (see mime/classify.h)           -> passed, already-encrypted
//  - every recipient encryptable (rule not "never" and a usable key)
//                                                       -> encrypted to all their keys
//  - a "require" recipient without a usable key, or a "require" recipient
//    among recipients that cannot all be encrypted to  -> deferred (never plaintext)
//  - some recipients encryptable, some not ("mixed"): per mixed_fallback,
//    passed (reason no-key) or deferred (reason mixed-recipients)
//  - nobody encryptable                                -> passed, reason rule when a
//    "never" rule decided it, else no-key
// The milter splits mixed recipients at RCPT time where SMTP allows it, so a
// mixed message reaches the engine only when splitting was not possible.
//
// Encryption follows RFC 3156: the payload is the original MIME entity (the
// Content-* header fields and the body, in canonical CRLF form), encrypted
// once to all recipients' keys; the outer message keeps every other header.
// With protect_headers, the payload carries the header section too (RFC 9788,
// mime/header_protection.h) and the rewrite hides the outer Subject.
//
// HTML (mime/html_parts.h, core/html_step.h) comes first: a message that gets
// encrypted has its HTML rewritten per html_encrypted (default text: the
// payload carries no HTML) and the payload is built from the result; a message
// that passes because of its recipients (no-key, rule) is rewritten per
// html_plain (default keep), and that rewrite is the outcome's. Mail that is
// already encrypted or has no recipients is never touched. format=flowed
// (html_flowed) is used only inside PGP/MIME, as RFC 3676 text may be
// re-wrapped by clients that show it.
//
// Thread safety: process() and resolve() may run concurrently on one Engine.
// Failure: throws ProcessingError (or a subclass); no partial outcome exists.
#pragma once

#include "core/recipient_resolver.h"
#include "core/rewrite.h"
#include "mime/html_parts.h"
#include "pgp/keyring.h"

#include <optional>
#include <string>
#include <vector>

namespace mailveil::core {

enum class Verdict { Encrypted, Passed, Deferred };

enum class MixedFallback { Plaintext, Tempfail };

struct Decision {
    Verdict verdict = Verdict::Passed;
    std::string reason; // Passed: no-key, already-encrypted, rule, no-recipients;
                        // Deferred: require-without-key, mixed-recipients
    std::size_t recipient_count = 0;
    std::vector<std::string> fingerprints; // keys encrypted to (Encrypted)
    std::size_t keyless = 0;               // recipients that could not be encrypted to
    std::optional<mime::HtmlMode> html;    // set when HTML parts were rewritten in this mode
};

struct Outcome {
    Decision decision;
    // Set when the message changes: always when the verdict is Encrypted; when
    // it is Passed, exactly when html_plain rewrote the message's HTML.
    std::optional<Rewrite> rewrite;
};

struct EngineSettings {
    EngineSettings() = default;
    explicit EngineSettings(std::string home) : gnupg_home(std::move(home)) {}

    std::string gnupg_home;
    RecipientPolicy policy;
    MixedFallback mixed_fallback = MixedFallback::Plaintext;
    bool hide_recipients = false;
    bool protect_headers = true;                          // RFC 9788, see mime/header_protection.h
    mime::HtmlMode html_encrypted = mime::HtmlMode::Text; // HTML of mail that gets encrypted
    mime::HtmlMode html_plain = mime::HtmlMode::Keep;     // HTML of mail that passes
    std::size_t html_wrap_width = 72;                     // columns of text made from HTML
    bool html_flowed = false; // that text format=flowed (encrypted mail only)
};

class Engine {
  public:
    explicit Engine(EngineSettings settings);

    Outcome process(const mime::ParsedMessage& message,
                    const std::vector<std::string>& recipients) const;
    // Parses the bytes first; throws MessageError when they are not a message.
    Outcome process(std::string message, const std::vector<std::string>& recipients) const;
    // With the recipients already resolved (the milter resolves at RCPT time).
    Outcome process_resolved(const mime::ParsedMessage& message,
                             const std::vector<Resolution>& resolutions) const;

    // Policy action and key for one recipient (the milter asks at RCPT time).
    Resolution resolve(const std::string& recipient) const;

    // The decision when the recipients alone settle it (nobody to encrypt to:
    // passed; a require recipient without key or a refused mix: deferred);
    // empty when it depends on the message. Lets the milter stop early.
    std::optional<Decision> decide_by_recipients(const std::vector<Resolution>& resolutions) const;

    const pgp::Keyring& keyring() const { return keyring_; }
    const EngineSettings& settings() const { return settings_; }

  private:
    std::optional<Outcome> nothing_to_encrypt(const mime::ParsedMessage& message,
                                              std::size_t recipients) const;
    Outcome decide(const mime::ParsedMessage& message,
                   const std::vector<Resolution>& resolutions) const;
    Outcome settled_by_recipients(const mime::ParsedMessage& message, Decision decision) const;
    mime::HtmlOptions html_options(mime::HtmlMode mode, bool flowed) const;

    EngineSettings settings_;
    pgp::Keyring keyring_;
};

// "decision=encrypted rcpts=2 keys=FPR1,FPR2 html=text" - the log form, never content.
std::string describe(const Decision& decision);

} // namespace mailveil::core
