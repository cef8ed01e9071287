#include "core/engine.h"

#include "mime/classify.h"
#include "mime/line_endings.h"
#include "mime/pgp_mime_writer.h"
#include "pgp/encryptor.h"

#include <algorithm>

namespace mailveil::core {
namespace {

Outcome passed(std::string reason, std::size_t recipients, std::vector<std::string> keyless = {}) {
    Decision decision;
    decision.verdict = Verdict::Passed;
    decision.reason = std::move(reason);
    decision.recipient_count = recipients;
    decision.keyless = std::move(keyless);
    return {std::move(decision), std::nullopt};
}

// The entity RFC 3156 encrypts: Content-* fields as received, blank line, body.
std::string original_entity(const mime::ParsedMessage& message) {
    std::string entity;
    for (const auto& field : message.headers()) {
        if (mime::is_content_header(field.name)) {
            entity.append(field.raw);
        }
    }
    entity.append("\r\n");
    entity.append(message.body());
    return mime::to_crlf(entity);
}

std::vector<pgp::RecipientKey> distinct_keys(std::vector<pgp::RecipientKey> keys) {
    std::sort(keys.begin(), keys.end(),
              [](const auto& a, const auto& b) { return a.fingerprint < b.fingerprint; });
    keys.erase(
        std::unique(keys.begin(), keys.end(),
                    [](const auto& a, const auto& b) { return a.fingerprint == b.fingerprint; }),
        keys.end());
    return keys;
}

} // namespace

Engine::Engine(EngineSettings settings)
    : settings_(std::move(settings)), keyring_(settings_.gnupg_home) {}

Outcome Engine::process(std::string bytes, const std::vector<std::string>& recipients) const {
    return process(mime::ParsedMessage::parse(std::move(bytes)), recipients);
}

Outcome Engine::process(const mime::ParsedMessage& message,
                        const std::vector<std::string>& recipients) const {
    if (recipients.empty()) {
        return passed("no-recipients", 0);
    }
    if (mime::existing_encryption(message) != mime::EncryptionForm::None) {
        return passed("already-encrypted", recipients.size());
    }

    std::vector<pgp::RecipientKey> keys;
    std::vector<std::string> keyless;
    for (const auto& recipient : recipients) {
        if (auto key = keyring_.find_usable_key(recipient)) {
            keys.push_back(std::move(*key));
        } else {
            keyless.push_back(recipient);
        }
    }
    if (!keyless.empty()) {
        return passed("no-key", recipients.size(), std::move(keyless));
    }
    keys = distinct_keys(std::move(keys));

    const std::string armored =
        pgp::encrypt_armored(settings_.gnupg_home, original_entity(message), keys);
    auto encrypted = mime::write_pgp_mime_body(armored, message.uses_crlf());

    Outcome outcome;
    outcome.decision.verdict = Verdict::Encrypted;
    outcome.decision.recipient_count = recipients.size();
    for (const auto& key : keys) {
        outcome.decision.fingerprints.push_back(key.fingerprint);
    }
    Rewrite rewrite;
    rewrite.added.push_back({"MIME-Version", "1.0"});
    rewrite.added.push_back({"Content-Type", std::move(encrypted.content_type)});
    rewrite.body = std::move(encrypted.body);
    outcome.rewrite = std::move(rewrite);
    return outcome;
}

std::string describe(const Decision& decision) {
    std::string out;
    if (decision.verdict == Verdict::Encrypted) {
        out = "decision=encrypted";
    } else {
        out = "decision=passed reason=" + decision.reason;
    }
    out += " rcpts=" + std::to_string(decision.recipient_count);
    if (!decision.fingerprints.empty()) {
        out += " keys=";
        for (std::size_t i = 0; i < decision.fingerprints.size(); ++i) {
            out += (i ? "," : "") + decision.fingerprints[i];
        }
    }
    if (!decision.keyless.empty()) {
        out += " keyless=" + std::to_string(decision.keyless.size());
    }
    return out;
}

} // namespace mailveil::core
