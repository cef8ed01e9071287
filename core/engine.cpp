#include "core/engine.h"

#include "core/errors.h"
#include "core/html_step.h"
#include "core/spooled_encryption.h"
#include "mime/classify.h"
#include "mime/header_protection.h"
#include "mime/line_endings.h"
#include "mime/pgp_mime_writer.h"
#include "pgp/encryptor.h"

#include <algorithm>

namespace mailveil::core {
namespace {

Outcome not_encrypted(Verdict verdict, std::string reason, std::size_t recipients,
                      std::size_t keyless = 0) {
    Decision decision;
    decision.verdict = verdict;
    decision.reason = std::move(reason);
    decision.recipient_count = recipients;
    decision.keyless = keyless;
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
    return mime::to_crlf_reusing(std::move(entity));
}

Decision encrypted_decision(std::size_t recipients, const std::vector<pgp::RecipientKey>& keys) {
    Decision decision;
    decision.verdict = Verdict::Encrypted;
    decision.recipient_count = recipients;
    for (const auto& key : keys) {
        decision.fingerprints.push_back(key.fingerprint);
    }
    return decision;
}

std::vector<pgp::RecipientKey> distinct_keys(const std::vector<Resolution>& resolutions) {
    std::vector<pgp::RecipientKey> keys;
    for (const auto& resolution : resolutions) {
        keys.push_back(*resolution.key);
    }
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

Resolution Engine::resolve(const std::string& recipient) const {
    return resolve_recipient(keyring_, settings_.policy, recipient);
}

Outcome Engine::process(std::string bytes, const std::vector<std::string>& recipients) const {
    return process(mime::ParsedMessage::parse(std::move(bytes)), recipients);
}

Outcome Engine::process(const mime::ParsedMessage& message,
                        const std::vector<std::string>& recipients) const {
    if (auto unchanged = nothing_to_encrypt(message, recipients.size())) {
        return std::move(*unchanged);
    }
    std::vector<Resolution> resolutions;
    resolutions.reserve(recipients.size());
    for (const auto& recipient : recipients) {
        resolutions.push_back(resolve(recipient));
    }
    return decide(message, resolutions);
}

Outcome Engine::process_resolved(const mime::ParsedMessage& message,
                                 const std::vector<Resolution>& resolutions) const {
    if (auto unchanged = nothing_to_encrypt(message, resolutions.size())) {
        return std::move(*unchanged);
    }
    return decide(message, resolutions);
}

std::optional<Outcome> Engine::nothing_to_encrypt(const mime::ParsedMessage& message,
                                                  std::size_t recipients) const {
    if (recipients == 0) {
        return not_encrypted(Verdict::Passed, "no-recipients", 0);
    }
    if (mime::existing_encryption(message) != mime::EncryptionForm::None) {
        return not_encrypted(Verdict::Passed, "already-encrypted", recipients);
    }
    return std::nullopt;
}

Outcome Engine::decide(const mime::ParsedMessage& message,
                       const std::vector<Resolution>& resolutions) const {
    const std::size_t count = resolutions.size();
    if (auto decision = decide_by_recipients(resolutions)) {
        return settled_by_recipients(message, std::move(*decision));
    }
    // Header fields stay outside the encryption: one that hides line breaks
    // from GMime could carry the whole message past it in clear.
    if (mime::header_has_bare_cr(message)) {
        throw MessageError("a header field contains a bare CR (not followed by LF); "
                           "its text would stay outside the encryption");
    }
    const auto keys = distinct_keys(resolutions);
    // The HTML step first; the payload is built from its result.
    const auto html =
        rewritten_html(message, html_options(settings_.html_encrypted, settings_.html_flowed));
    const mime::ParsedMessage& source = html ? *html : message;
    if (source.spooled()) {
        Outcome outcome{encrypted_decision(count, keys), std::nullopt};
        if (html) {
            outcome.decision.html = settings_.html_encrypted;
        }
        outcome.rewrite = encrypt_spooled(source, keys, settings_);
        return outcome;
    }
    Rewrite rewrite;
    std::string payload;
    if (settings_.protect_headers) {
        auto hp = mime::protect_headers(source);
        payload = std::move(hp.entity);
        rewrite.changed = std::move(hp.outer_changes);
    } else {
        payload = original_entity(source);
    }
    const std::string armored =
        pgp::encrypt_armored(settings_.gnupg_home, payload, keys, {settings_.hide_recipients});
    auto encrypted = mime::write_pgp_mime_body(armored, message.uses_crlf());

    Outcome outcome{encrypted_decision(count, keys), std::nullopt};
    if (html) {
        outcome.decision.html = settings_.html_encrypted;
    }
    rewrite.added.push_back({"MIME-Version", "1.0"});
    rewrite.added.push_back({"Content-Type", std::move(encrypted.content_type)});
    rewrite.body = std::move(encrypted.body);
    outcome.rewrite = std::move(rewrite);
    return outcome;
}

Outcome Engine::settled_by_recipients(const mime::ParsedMessage& message, Decision decision) const {
    Outcome outcome{std::move(decision), std::nullopt};
    if (outcome.decision.verdict != Verdict::Passed) {
        return outcome;
    }
    // Plain text stays as sent: format=flowed is for the encrypted payload only.
    if (const auto html = rewritten_html(message, html_options(settings_.html_plain, false))) {
        outcome.decision.html = settings_.html_plain;
        outcome.rewrite = rewrite_to(*html);
    }
    return outcome;
}

mime::HtmlOptions Engine::html_options(mime::HtmlMode mode, bool flowed) const {
    mime::HtmlOptions options;
    options.mode = mode;
    options.width = settings_.html_wrap_width;
    options.flowed = flowed;
    return options;
}

std::optional<Decision>
Engine::decide_by_recipients(const std::vector<Resolution>& resolutions) const {
    const std::size_t count = resolutions.size();
    if (count == 0) {
        return not_encrypted(Verdict::Passed, "no-recipients", 0).decision;
    }
    const auto encryptable = static_cast<std::size_t>(std::count_if(
        resolutions.begin(), resolutions.end(), [](const auto& r) { return r.encryptable(); }));
    const std::size_t keyless = count - encryptable;
    if (keyless == 0) {
        return std::nullopt;
    }
    const auto any = [&](RecipientAction action) {
        return std::any_of(resolutions.begin(), resolutions.end(),
                           [&](const auto& r) { return r.action == action; });
    };
    if (any(RecipientAction::Require)) {
        return not_encrypted(Verdict::Deferred, "require-without-key", count, keyless).decision;
    }
    if (encryptable > 0 && settings_.mixed_fallback == MixedFallback::Tempfail) {
        return not_encrypted(Verdict::Deferred, "mixed-recipients", count, keyless).decision;
    }
    return not_encrypted(Verdict::Passed, any(RecipientAction::Never) ? "rule" : "no-key", count,
                         keyless)
        .decision;
}

std::string describe(const Decision& decision) {
    std::string out;
    switch (decision.verdict) {
    case Verdict::Encrypted:
        out = "decision=encrypted";
        break;
    case Verdict::Passed:
        out = "decision=passed reason=" + decision.reason;
        break;
    case Verdict::Deferred:
        out = "decision=deferred reason=" + decision.reason;
        break;
    }
    out += " rcpts=" + std::to_string(decision.recipient_count);
    if (!decision.fingerprints.empty()) {
        out += " keys=";
        for (std::size_t i = 0; i < decision.fingerprints.size(); ++i) {
            out += (i ? "," : "") + decision.fingerprints[i];
        }
    }
    if (decision.keyless > 0) {
        out += " keyless=" + std::to_string(decision.keyless);
    }
    if (decision.html) {
        out += " html=" + std::string(mime::html_mode_name(*decision.html));
    }
    return out;
}

} // namespace mailveil::core
