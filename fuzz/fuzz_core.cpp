// fuzz_core.cpp - libFuzzer target over the whole core: recipients + message
// bytes -> Engine decision -> rewritten message.
//
// Input: an options byte, a recipients byte, then the message bytes.
//   options    bit 0 protect_headers, bit 1 hide_recipients, bits 2-3
//              html_encrypted, bits 4-5 html_plain (text, alternative, keep,
//              text), bit 6 html_flowed, bit 7 body in a spool file (the
//              milter's path for big mail).
//   recipients bit 0 bob@example.org, bit 1 carol@example.org (both keyed),
//              bit 2 nobody@example.net (no key), bit 3 <BOB@Example.ORG>,
//              bit 4: the message's first line is one more recipient,
//              bit 5 mixed recipients tempfail, bit 6 a "require" rule for
//              @example.net, bit 7 html_wrap_width 20 instead of 72.
// The keyring is made once (fuzz_keyring.h), so the encryption path runs.
//
// Findings: a crash or sanitizer report; any exception other than the core's
// ProcessingError family; an outcome that breaks the engine's promises
// (encrypted without keys or with keyless recipients, a deferred message
// with a rewrite, a rewritten message that does not parse, an encrypted one
// that is not PGP/MIME).
#include "core/engine.h"
#include "core/errors.h"
#include "core/rewrite.h"
#include "fuzz/fuzz_keyring.h"
#include "mime/classify.h"
#include "mime/parsed_message.h"
#include "mime/spool_file.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace mailveil;

struct Fixture {
    std::string keyring = fuzz::make_fuzz_keyring();
};

Fixture& fixture() {
    static Fixture instance;
    return instance;
}

[[noreturn]] void finding(const char* what) {
    std::fprintf(stderr, "fuzz_core: %s\n", what);
    std::abort();
}

mime::HtmlMode html_mode(unsigned bits) {
    switch (bits & 3) {
    case 1:
        return mime::HtmlMode::Alternative;
    case 2:
        return mime::HtmlMode::Keep;
    default:
        return mime::HtmlMode::Text;
    }
}

core::EngineSettings settings_for(std::uint8_t options, std::uint8_t recipients) {
    core::EngineSettings settings(fixture().keyring);
    settings.protect_headers = (options & 0x01) != 0;
    settings.hide_recipients = (options & 0x02) != 0;
    settings.html_encrypted = html_mode(options >> 2);
    settings.html_plain = html_mode(options >> 4);
    settings.html_flowed = (options & 0x40) != 0;
    settings.mixed_fallback =
        (recipients & 0x20) ? core::MixedFallback::Tempfail : core::MixedFallback::Plaintext;
    if (recipients & 0x40) {
        settings.policy.rules = core::RecipientRules::parse("@example.net require\n", "fuzz");
    }
    settings.html_wrap_width = (recipients & 0x80) ? 20 : 72;
    return settings;
}

// One engine per settings combination, kept: its keyring caches lookups,
// which saves a gpg process per recipient and input.
const core::Engine& engine_for(std::uint8_t options, std::uint8_t recipients) {
    static std::map<int, std::unique_ptr<core::Engine>> engines;
    auto& engine = engines[(options & 0x7F) << 3 | recipients >> 5];
    if (!engine) {
        engine = std::make_unique<core::Engine>(settings_for(options, recipients));
    }
    return *engine;
}

std::vector<std::string> recipients_for(std::uint8_t mask, std::string& message) {
    std::vector<std::string> recipients;
    if (mask & 0x01) {
        recipients.push_back("bob@example.org");
    }
    if (mask & 0x02) {
        recipients.push_back("carol@example.org");
    }
    if (mask & 0x04) {
        recipients.push_back("nobody@example.net");
    }
    if (mask & 0x08) {
        recipients.push_back("<BOB@Example.ORG>");
    }
    if (mask & 0x10) {
        const auto end = message.find('\n');
        recipients.push_back(message.substr(0, end));
        message.erase(0, end == std::string::npos ? message.size() : end + 1);
    }
    return recipients;
}

// The milter's split: the header section up to and with its empty line in
// memory, the rest in a spool file.
mime::ParsedMessage parse_spooled(const std::string& bytes) {
    const auto crlf = bytes.find("\r\n\r\n");
    const auto lf = bytes.find("\n\n");
    std::size_t cut = bytes.size();
    if (crlf != std::string::npos && (lf == std::string::npos || crlf < lf)) {
        cut = crlf + 4;
    } else if (lf != std::string::npos) {
        cut = lf + 2;
    }
    const char* tmp = std::getenv("TMPDIR");
    auto file = mime::SpoolFile::create(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
    file->append(std::string_view(bytes).substr(cut));
    return mime::ParsedMessage::parse_spooled(bytes.substr(0, cut), std::move(file));
}

void check_output(const std::string& output, bool encrypted) {
    const auto reparsed = mime::ParsedMessage::parse(output);
    if (encrypted && mime::existing_encryption(reparsed) != mime::EncryptionForm::PgpMime) {
        finding("an encrypted outcome is not PGP/MIME");
    }
}

void check(const mime::ParsedMessage& message, const core::Outcome& outcome) {
    const auto& decision = outcome.decision;
    switch (decision.verdict) {
    case core::Verdict::Encrypted:
        if (!outcome.rewrite || decision.fingerprints.empty() || decision.keyless != 0) {
            finding("encrypted without a rewrite, without keys or with keyless recipients");
        }
        break;
    case core::Verdict::Deferred:
        if (outcome.rewrite) {
            finding("a deferred message carries a rewrite");
        }
        return;
    case core::Verdict::Passed:
        break;
    }
    if (outcome.rewrite) {
        check_output(core::apply_rewrite(message, *outcome.rewrite),
                     decision.verdict == core::Verdict::Encrypted);
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fixture();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const std::uint8_t options = data[0];
    std::string bytes(reinterpret_cast<const char*>(data + 2), size - 2);
    const auto recipients = recipients_for(data[1], bytes);
    try {
        const core::Engine& engine = engine_for(options, data[1]);
        const auto message =
            (options & 0x80) ? parse_spooled(bytes) : mime::ParsedMessage::parse(bytes);
        check(message, engine.process(message, recipients));
    } catch (const ProcessingError&) {
        // The documented way to refuse a message: the front ends tempfail it.
    }
    return 0;
}
