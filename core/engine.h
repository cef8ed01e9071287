// engine.h - the decision and the rewrite: recipients + message -> outcome.
//
// The one piece both front ends (milter and mailveil-filter) call. For this
// release the policy is all-or-nothing: a message is encrypted when it is not
// already encrypted and every envelope recipient has a usable key; otherwise
// it passes unchanged, with the reason recorded.
//
// Encryption follows RFC 3156: the payload is the original MIME entity (the
// Content-* header fields and the body, in canonical CRLF form), encrypted
// once to all recipients' keys; the outer message keeps every other header.
//
// Thread safety: process() may run concurrently on one Engine.
// Failure: throws ProcessingError (or a subclass); no partial outcome exists.
#pragma once

#include "core/rewrite.h"
#include "pgp/keyring.h"

#include <optional>
#include <string>
#include <vector>

namespace mailveil::core {

enum class Verdict { Encrypted, Passed };

struct Decision {
    Verdict verdict = Verdict::Passed;
    std::string reason; // for Passed: no-key, already-encrypted, no-recipients
    std::size_t recipient_count = 0;
    std::vector<std::string> fingerprints; // keys encrypted to (Encrypted)
    std::vector<std::string> keyless;      // recipients without a usable key
};

struct Outcome {
    Decision decision;
    std::optional<Rewrite> rewrite; // set exactly when the verdict is Encrypted
};

struct EngineSettings {
    std::string gnupg_home;
};

class Engine {
  public:
    explicit Engine(EngineSettings settings);

    Outcome process(const mime::ParsedMessage& message,
                    const std::vector<std::string>& recipients) const;
    // Parses the bytes first; throws MessageError when they are not a message.
    Outcome process(std::string message, const std::vector<std::string>& recipients) const;

    const pgp::Keyring& keyring() const { return keyring_; }

  private:
    EngineSettings settings_;
    pgp::Keyring keyring_;
};

// "decision=encrypted rcpts=2 keys=FPR1,FPR2" - the log form, never content.
std::string describe(const Decision& decision);

} // namespace mailveil::core
