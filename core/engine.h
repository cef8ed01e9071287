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
// Thread safety: process() and resolve() may run concurrently on one Engine.
// Failure: throws ProcessingError (or a subclass); no partial outcome exists.
#pragma once

#include "core/recipient_resolver.h"
#include "core/rewrite.h"
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
};

struct Outcome {
    Decision decision;
    std::optional<Rewrite> rewrite; // set exactly when the verdict is Encrypted
};

struct EngineSettings {
    EngineSettings() = default;
    explicit EngineSettings(std::string home) : gnupg_home(std::move(home)) {}

    std::string gnupg_home;
    RecipientPolicy policy;
    MixedFallback mixed_fallback = MixedFallback::Plaintext;
    bool hide_recipients = false;
    bool protect_headers = true; // RFC 9788, see mime/header_protection.h
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

    EngineSettings settings_;
    pgp::Keyring keyring_;
};

// "decision=encrypted rcpts=2 keys=FPR1,FPR2" - the log form, never content.
std::string describe(const Decision& decision);

} // namespace mailveil::core
